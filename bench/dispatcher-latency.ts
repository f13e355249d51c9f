/**
 * bench:dispatcher, part 2: the dispatcher's own added latency. The same request rate is sent
 * straight to an instant backend and through the real dispatcher in front of it; the difference of
 * the latency percentiles is what the dispatcher adds. The backend and the dispatcher run in child
 * processes (dispatcher-servers.ts); the load generators run in this one.
 *
 * Two generators, because they measure different things: autocannon's `overallRate` is a budget per
 * second that each connection spends back to back at the start of the second (httpClient.js), so
 * its figures are latencies during a burst at full speed over all connections; the paced generator
 * sends evenly spaced requests (open loop, one every 1/rate s) on keep-alive connections.
 */
import { Agent, request } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon, { type Options, type Result } from 'autocannon';
import { percentile } from '../src/inference/scheduler/des.js';

// autocannon's instance is an EventEmitter and a promise; its 'response' event carries the
// response time as a float in ms (the result's histogram is whole ms, too coarse for a 1 ms target).
type Tracker = PromiseLike<Result> & { on(event: 'response', cb: (client: unknown, status: number, bytes: number, ms: number) => void): unknown };
const cannon = autocannon as unknown as (o: Options & { method: string; body: string; overallRate: number }) => Tracker;

/** A child server process and its base URL. */
interface Child { proc: ChildProcess; url: string; stop(): Promise<void>; own(): Promise<OwnTime | null> }

/** The dispatcher's own time per request as it measured it (ms). */
export interface OwnTime { count: number; p50: number; p99: number }

async function startChild(script: string, args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const waiting: Array<(o: OwnTime) => void> = [];
  lines.on('line', (line) => {
    if (line.startsWith('OWN ')) waiting.shift()?.(JSON.parse(line.slice(4)) as OwnTime);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start within 20 s`)), 20_000);
    lines.on('line', (line) => {
      const m = /^LISTENING (\S+)$/.exec(line);
      if (m?.[1]) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited with ${code}`)); });
  });
  return {
    proc, url,
    own: () => new Promise<OwnTime | null>((resolve) => {
      if (proc.exitCode !== null) return resolve(null);
      waiting.push(resolve);
      proc.kill('SIGUSR2');
    }),
    stop: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    }),
  };
}

/** One fixed-rate run against one target. */
export interface LatencyRun {
  target: 'direct' | 'dispatcher' | 'proxy';
  generator: 'paced' | 'autocannon';
  rate: number;
  seconds: number;
  requests: number;
  achievedPerS: number;
  /** CPU time (user + system) the process in the path (dispatcher or bare proxy) spent per request in this run (ms; Linux /proc, else null). */
  dispatcherCpuMsPerRequest: number | null;
  /** The dispatcher's own time per request, measured inside it (dispatcher target only). */
  ownMs: OwnTime | null;
  non2xx: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** CPU time (ms) a process has used so far, from /proc (clock ticks assumed 100 per second); null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    return null;
  }
}

/** One rate: the three targets, what the dispatcher added, and what a bare proxy adds (the floor). */
export interface LatencyPair {
  rate: number;
  generator: LatencyRun['generator'];
  direct: LatencyRun;
  dispatcher: LatencyRun;
  /** A bare Node reverse proxy in the same place: what one more process in the path costs. */
  proxy: LatencyRun;
  addedMs: { p50: number; p99: number };
  /** What the bare proxy added over direct. */
  proxyAddedMs: { p50: number; p99: number };
  /** What the dispatcher added over the bare proxy: its own cost beyond the hop. */
  overProxyMs: { p50: number; p99: number };
}

/** What part 2 measured. */
export interface LatencyResult { layout: string; connections: number; pairs: LatencyPair[] }

const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Is Biscuit good with cats?' }], max_tokens: 16 });
const r3 = (n: number): number => Math.round(n * 1000) / 1000;

async function fire(target: LatencyRun['target'], baseUrl: string, rate: number, seconds: number, connections: number): Promise<LatencyRun> {
  const times: number[] = [];
  let non2xx = 0;
  const run = cannon({
    url: `${baseUrl}/v1/chat/completions`, method: 'POST', body, connections, duration: seconds, overallRate: rate,
    headers: { 'content-type': 'application/json', 'x-kona-priority': 'interactive', 'x-kona-tenant': 'bench' },
  });
  run.on('response', (_c, status, _b, ms) => {
    times.push(ms);
    if (status < 200 || status >= 300) non2xx++;
  });
  const result = await run;
  return {
    target, generator: 'autocannon', rate, seconds, requests: times.length, achievedPerS: r3(times.length / seconds), dispatcherCpuMsPerRequest: null, ownMs: null, non2xx, errors: result.errors,
    latencyMs: { p50: r3(percentile(times, 50)), p90: r3(percentile(times, 90)), p99: r3(percentile(times, 99)), max: r3(Math.max(...times)) },
  };
}

/** Evenly spaced requests (open loop) on keep-alive connections; latency from write to the last byte. */
async function paced(target: LatencyRun['target'], baseUrl: string, rate: number, seconds: number): Promise<LatencyRun> {
  const url = new URL(`${baseUrl}/v1/chat/completions`);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const times: number[] = [];
  let non2xx = 0, errors = 0;
  const one = () => new Promise<void>((resolve) => {
    const start = performance.now();
    const req = request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-kona-priority': 'interactive', 'x-kona-tenant': 'bench' },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        times.push(performance.now() - start);
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one());
  }
  await Promise.all(inflight);
  agent.destroy();
  return {
    target, generator: 'paced', rate, seconds, requests: times.length, achievedPerS: r3(total / ((performance.now() - t0) / 1000)), dispatcherCpuMsPerRequest: null, ownMs: null, non2xx, errors,
    latencyMs: { p50: r3(percentile(times, 50)), p90: r3(percentile(times, 90)), p99: r3(percentile(times, 99)), max: r3(Math.max(...times)) },
  };
}

/** Runs part 2: each rate for `seconds` per target, after a short warm-up of both. */
export async function measureAddedLatency(opts: { distDir: string; rates: number[]; seconds: number; connections: number; log: (s: string) => void }): Promise<LatencyResult> {
  const script = path.join(opts.distDir, 'dispatcher-servers.js');
  const backend = await startChild(script, ['instant']);
  let dispatcher: Child | undefined;
  let proxy: Child | undefined;
  try {
    dispatcher = await startChild(script, ['dispatcher', backend.url]);
    proxy = await startChild(script, ['proxy', backend.url]);
    // JIT, connection and heap warm-up at every rate, not counted.
    const warm = Math.max(1, Math.min(3, opts.seconds / 3));
    for (const rate of opts.rates) {
      await paced('direct', backend.url, rate, warm);
      await paced('dispatcher', dispatcher.url, rate, warm);
      await paced('proxy', proxy.url, rate, warm);
    }
    const pairs: LatencyPair[] = [];
    for (const generator of ['paced', 'autocannon'] as const) {
      for (const rate of opts.rates) {
        const run = async (t: LatencyRun['target'], url: string): Promise<LatencyRun> => {
          await dispatcher?.own(); // forget what came before this run
          const pid = t === 'dispatcher' ? dispatcher?.proc.pid : t === 'proxy' ? proxy?.proc.pid : undefined;
          const before = pid === undefined ? null : cpuMs(pid);
          const r = await (generator === 'paced' ? paced(t, url, rate, opts.seconds) : fire(t, url, rate, opts.seconds, opts.connections));
          const after = pid === undefined ? null : cpuMs(pid);
          const cpu = before !== null && after !== null && r.requests > 0 ? r3((after - before) / r.requests) : null;
          const own = t === 'dispatcher' ? (await dispatcher?.own()) ?? null : null;
          return { ...r, dispatcherCpuMsPerRequest: cpu, ownMs: own };
        };
        const direct = await run('direct', backend.url);
        const via = await run('dispatcher', dispatcher.url);
        const bare = await run('proxy', proxy.url);
        const diff = (a: LatencyRun, b: LatencyRun) => ({ p50: r3(a.latencyMs.p50 - b.latencyMs.p50), p99: r3(a.latencyMs.p99 - b.latencyMs.p99) });
        opts.log(`  ${generator} ${rate}/s: direct p50 ${direct.latencyMs.p50} ms p99 ${direct.latencyMs.p99} ms; via dispatcher p50 ${via.latencyMs.p50} ms p99 ${via.latencyMs.p99} ms; via a bare proxy p50 ${bare.latencyMs.p50} ms p99 ${bare.latencyMs.p99} ms\n`);
        pairs.push({ rate, generator, direct, dispatcher: via, proxy: bare, addedMs: diff(via, direct), proxyAddedMs: diff(bare, direct), overProxyMs: diff(via, bare) });
      }
    }
    return {
      layout: 'load generators in the bench process; instant backend, dispatcher and bare proxy each in its own child process, all on 127.0.0.1',
      connections: opts.connections, pairs,
    };
  } finally {
    await dispatcher?.stop();
    await proxy?.stop();
    await backend.stop();
  }
}
