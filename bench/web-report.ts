import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import type { Result } from 'autocannon';

/** One autocannon run, reduced to what the table and web.json carry. */
export interface Measured {
  target: string;
  url: string;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; mean: number };
  requests: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  bytesPerResponse: number;
}

/** Reduces autocannon's result. */
export function measured(target: string, url: string, r: Result, bytesPerResponse: number): Measured {
  return {
    target, url,
    requestsPerSecond: round(r.requests.average),
    latencyMs: { p50: round(r.latency.p50), p99: round(r.latency.p99), mean: round(r.latency.mean) },
    requests: r.requests.total,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    errors: r.errors,
    timeouts: r.timeouts,
    bytesPerResponse,
  };
}

/** The machine the figures came from. */
export function machineInfo() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version, platform: `${platform()} ${release()}`,
    memoryGiB: round(totalmem() / 2 ** 30), freeMemoryGiB: round(freemem() / 2 ** 30), loadAverageAtStart: loadavg().map(round), date: new Date().toISOString(),
  };
}

/** Rounds to two decimals. */
export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

/** A readable table of the runs, with each pair's ratio under it. */
export function table(rows: Measured[], pairs: { label: string; subject: Measured; reference: Measured }[]): string {
  const head = `${pad('target', 38)}${lpad('req/s', 10)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('bytes', 9)}  status codes`;
  const lines = rows.map((m) => `${pad(m.target, 38)}${lpad(m.requestsPerSecond.toFixed(0), 10)}${lpad(m.latencyMs.p50.toFixed(1), 9)}${lpad(m.latencyMs.p99.toFixed(1), 9)}${lpad(String(m.bytesPerResponse), 9)}  ${Object.entries(m.statusCodes).map(([c, n]) => `${c}×${n}`).join(' ')}${m.errors || m.timeouts ? `  errors ${m.errors} timeouts ${m.timeouts}` : ''}`);
  const ratios = pairs.map((p) => `  ${pad(p.label, 48)} ${(p.subject.requestsPerSecond / p.reference.requestsPerSecond).toFixed(3)} of the throughput`);
  return [head, '-'.repeat(head.length + 10), ...lines, '', 'ratios (requests per second):', ...ratios].join('\n');
}
