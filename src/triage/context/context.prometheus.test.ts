/**
 * The Prometheus side of the diagnosis context and the recovery check against a real Prometheus
 * (Debian's, started by the harness) scraping a tiny target this test serves every second. Prometheus
 * runs on the wall clock, so this test waits for its samples (a few seconds); everything else about
 * time is the triage clock's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually, startAlertingStack, type AlertingStack } from '../../../test/harness/prometheus.js';
import { systemClock } from '../../platform/clock/clock.js';
import { ContextGatherer } from './gather.js';
import { queryRange } from './prometheus.js';
import { readTrend } from './trend.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let scrapes = 0;
/** The target: a falling error ratio, a stuck one, process metrics, and a series with secrets in its labels. */
function metricsText(): string {
  scrapes++;
  return [
    `process_cpu_seconds_total ${(scrapes * 0.25).toFixed(2)}`,
    'process_resident_memory_bytes 73400320',
    'process_start_time_seconds 1764000000',
    `kona_errors_ratio{namespace="kona",deployment="web"} ${Math.max(0.06, 0.5 - scrapes * 0.03).toFixed(3)}`,
    'kona_stuck_ratio{namespace="kona",deployment="worker"} 0.4',
    'kona_queue_depth{queue="mail",owner_email="margarethe@example.org",api_token="tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"} 7',
    '',
  ].join('\n');
}

let target: Server;
let stack: AlertingStack;
let instance: string;

beforeAll(async () => {
  target = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(req.url === '/metrics' ? metricsText() : '');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  instance = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  stack = await startAlertingStack({ scrapeTargets: [instance], rules: [], webhook: { url: 'http://127.0.0.1:9/unused', bearer: 'unused-bearer-token' } });
  // Enough samples for a trend: at least 8 seconds of scrapes.
  await eventually('8 samples of kona_errors_ratio', async () => {
    const now = Date.now();
    const r = await queryRange({ prometheusUrl: stack.prometheusUrl, query: 'kona_errors_ratio', start: now - 60_000, end: now, stepSeconds: 1, signal: AbortSignal.timeout(5000) });
    return r.ok && (r.series[0]?.points.length ?? 0) >= 8 ? true : undefined;
  }, 60_000, 500);
});

afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((r) => target?.close(() => r()));
});

describe('diagnosis context from a real Prometheus', () => {
  it("reads the alert's own expression and the target's up, restarts, CPU and memory; series labels off the allow-list are dropped and named", async () => {
    const gatherer = new ContextGatherer({ clock: systemClock, prometheusUrl: stack.prometheusUrl, windowMinutes: 1, stepSeconds: 1, timeoutMs: 10_000, maxCharsPerPiece: 3000 });
    const alert = {
      labels: { alertname: 'KonaQueueBacklog', job: 'fixture', instance, severity: 'warning', customer: 'Margarethe Vollmer' },
      generatorURL: `http://prometheus:9090/graph?g0.expr=${encodeURIComponent('kona_queue_depth > 1')}&g0.tab=1`,
    };
    const got = await gatherer.gather(alert);
    expect(got.notes).toEqual([]);
    expect(got.metrics.map((m) => m.query.replace(/ {2}\[.*$/, ''))).toEqual([
      'kona_queue_depth > 1',
      `up{job="fixture",instance="${instance}"}`,
      `changes(process_start_time_seconds{job="fixture",instance="${instance}"}[1h])`,
      `rate(process_cpu_seconds_total{job="fixture",instance="${instance}"}[5m])`,
      `process_resident_memory_bytes{job="fixture",instance="${instance}"}`,
    ]);
    const [expr, up, , cpu, memory] = got.metrics.map((m) => m.result);
    expect(expr).toMatch(/^kona_queue_depth\{instance="127\.0\.0\.1:\d+",job="fixture",queue="mail"\}: last 7, min 7, max 7; /);
    expect(up).toMatch(/^up\{instance="127\.0\.0\.1:\d+",job="fixture"\}: last 1,/);
    // rate() of a counter rising 0.25 a second: positive (extrapolated over a window barely filled).
    expect(cpu).toMatch(/^\{instance="127\.0\.0\.1:\d+",job="fixture"\}: last 0\.\d*[1-9]\d*,/);
    expect(memory).toMatch(/: last 73400320,/);
    // The secret labels' names are on the page; their values are nowhere.
    expect(got.dropped).toEqual(['metric label api_token', 'metric label owner_email']);
    const all = JSON.stringify(got);
    expect(all).not.toContain('margarethe@example.org');
    expect(all).not.toContain('tok_9f8e7d6c5b4a');
    expect(all).not.toContain('Vollmer');
  });

  it('sees a value already falling back toward its threshold as improving, and a stuck one as not', async () => {
    const read = (expr: string, deployment: string) => readTrend(expr, { namespace: 'kona', deployment }, { prometheusUrl: stack.prometheusUrl, windowMinutes: 1, stepSeconds: 1, signal: AbortSignal.timeout(10_000), now: Date.now() });
    expect(await read('kona_errors_ratio > 0.05', 'web')).toMatchObject({ state: 'improving', detail: expect.stringMatching(/^the value fell back steadily from 0\.\d+ at worst to 0\.\d+ now \(threshold > 0\.05\)$/) });
    expect(await read('kona_stuck_ratio > 0.05', 'worker')).toMatchObject({ state: 'not-improving' });
    expect(await read('kona_errors_ratio == 1', 'web')).toMatchObject({ state: 'unknown' });
  });

  it('reports a refused query as a note, not an error', async () => {
    const gatherer = new ContextGatherer({ clock: systemClock, prometheusUrl: stack.prometheusUrl, windowMinutes: 1, stepSeconds: 1, timeoutMs: 10_000, maxCharsPerPiece: 3000 });
    const got = await gatherer.gather({ labels: { alertname: 'X' }, generatorURL: `http://p/graph?g0.expr=${encodeURIComponent('sum(')}` });
    expect(got.metrics).toEqual([]);
    expect(got.notes).toEqual([expect.stringMatching(/^Prometheus \(alert expression\): Prometheus refused the query: .*parse error/)]);
  });
});
