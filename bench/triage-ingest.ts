/**
 * bench:triage part 1 — webhook ingest throughput: `kona triage` (the example policy) on one
 * database engine, autocannon POSTing the corpus's deliveries in corpus order. Each
 * pass over the corpus is a new "cluster": its alerts get a `bench_cycle` label (fingerprints
 * recomputed as Alertmanager would), its group keys a suffix and its startsAt a shift, so the
 * engine sees new alerts, firing→resolved pairs, renamed pods and byte-identical HA resends, as in
 * the corpus, rather than one body resent. The service is the real `kona triage` process
 * (dist/src/apps/cli.js, i.e. startTriageService), so autocannon's event loop is not the service's;
 * on a 2-core machine they still share the cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';
import { alertFingerprint } from '../src/triage/ingest/fingerprint.js';
import { round } from './web-report.js';

interface Body {
  groupKey: string;
  commonLabels: Record<string, string>;
  alerts: Array<{ labels: Record<string, string>; startsAt: string; fingerprint: string }>;
}

/** One load level's figures. */
export interface IngestRun {
  connections: number;
  seconds: number;
  deliveriesPerS: number;
  /** Alert decisions per second (one per alert, plus one per truncated group). */
  alertsPerS: number;
  /** Per request, as autocannon measured it (includes waiting for earlier deliveries: passes are serial). */
  requestMs: { p50: number; p99: number; max: number };
  /** kona_triage_decision_seconds over the run (bucket-interpolated): receipt to all alerts decided. */
  decisionMs: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** All load levels on one database engine. */
export interface IngestResult {
  database: string;
  corpusDeliveries: number;
  runs: IngestRun[];
}

// autocannon's `requests[].setupRequest` is not in bench/autocannon.d.ts.
type Setup = (req: Record<string, unknown>) => Record<string, unknown>;
const cannon = autocannon as unknown as (o: Options & { requests: Array<{ method: string; path: string; setupRequest: Setup }> }) => Promise<Result>;

/** Builds the i-th body: corpus delivery i mod n, in cycle floor(i / n). */
export function corpusVariants(root: string): { count: number; body(i: number): string } {
  const manifest = JSON.parse(readFileSync(path.join(root, 'test/fixtures/alertmanager/corpus.json'), 'utf8')) as { deliveries: Array<{ file: string }> };
  const templates = manifest.deliveries.map((d) => readFileSync(path.join(root, 'test/fixtures/alertmanager', d.file), 'utf8'));
  const cache = new Map<string, string>();
  return {
    count: templates.length,
    body(i: number): string {
      const index = i % templates.length;
      const cycle = Math.floor(i / templates.length);
      // A byte-identical resend in the corpus stays byte-identical within its cycle.
      const key = `${cycle}:${manifest.deliveries[index]!.file}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const b = JSON.parse(templates[index]!) as Body;
      b.groupKey = `${b.groupKey}:bench-${cycle}`;
      b.commonLabels = { ...b.commonLabels, bench_cycle: String(cycle) };
      for (const a of b.alerts) {
        a.labels = { ...a.labels, bench_cycle: String(cycle) };
        a.startsAt = new Date(Date.parse(a.startsAt) + cycle * 1000).toISOString();
        a.fingerprint = alertFingerprint(a.labels);
      }
      const out = `${JSON.stringify(b)}\n`;
      if (cache.size > 200) cache.clear();
      cache.set(key, out);
      return out;
    },
  };
}

interface HistogramSnapshot {
  buckets: Array<{ le: number; count: number }>;
  count: number;
  /** kona_triage_alerts_total over all routes. */
  decisions: number;
}

/** Reads the decision histogram's cumulative buckets and the decision counter from /metrics. */
async function snapshot(url: string): Promise<HistogramSnapshot> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets: HistogramSnapshot['buckets'] = [];
  let count = 0;
  let decisions = 0;
  for (const line of text.split('\n')) {
    const bucket = /^kona_triage_decision_seconds_bucket\{le="([^"]+)"\} (\S+)$/.exec(line);
    if (bucket) buckets.push({ le: bucket[1] === '+Inf' ? Infinity : Number(bucket[1]), count: Number(bucket[2]) });
    if (line.startsWith('kona_triage_decision_seconds_count ')) count = Number(line.split(' ')[1]);
    if (line.startsWith('kona_triage_alerts_total{')) decisions += Number(line.split(' ').at(-1));
  }
  return { buckets, count, decisions };
}

/** Starts the real `kona triage` (dist/src/apps/cli.js): embedded PGlite under dataDir, or PostgreSQL at postgresUrl. */
async function startKonaTriage(root: string, postgresUrl: string | undefined, dataDir: string, token: string): Promise<{ url: string; close(): Promise<void> }> {
  const env = {
    ...process.env, KONA_DATA_DIR: dataDir, KONA_TRIAGE_TOKEN: token, KONA_LOG_LEVEL: 'warn',
    ...(postgresUrl ? { KONA_TRIAGE_DATABASE_URL: postgresUrl } : {}),
  };
  // BENCH_TRIAGE_NODE_ARGS: extra node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.BENCH_TRIAGE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/src/apps/cli.js'), 'triage', '--policy', path.join(root, 'deploy/triage-policy.example.yaml'), '--port', '0'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /serving at (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`kona triage exited before listening:\n${output}`)));
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The q-quantile (ms) of the observations between two snapshots, linear within a bucket. */
function quantileMs(before: HistogramSnapshot, after: HistogramSnapshot, q: number): number {
  const total = after.count - before.count;
  if (total <= 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [i, b] of after.buckets.entries()) {
    const cumulative = b.count - (before.buckets[i]?.count ?? 0);
    if (cumulative >= rank) {
      if (!Number.isFinite(b.le)) return lower * 1000;
      const inBucket = cumulative - below;
      return (lower + (b.le - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1)) * 1000;
    }
    lower = b.le;
    below = cumulative;
  }
  return lower * 1000;
}

/** Runs each load level for `seconds` against one fresh `kona triage` (PGlite, or PostgreSQL at postgresUrl). */
export async function measureIngest(opts: { root: string; postgresUrl?: string; label: string; connections: number[]; seconds: number; log: (s: string) => void }): Promise<IngestResult> {
  const variants = corpusVariants(opts.root);
  const token = 'bench-token-0123456789';
  const data = mkdtempSync(path.join(tmpdir(), 'kona-bench-triage-'));
  const service = await startKonaTriage(opts.root, opts.postgresUrl, data, token).catch((err: unknown) => {
    rmSync(data, { recursive: true, force: true });
    throw err;
  });
  let next = 0;
  const runs: IngestRun[] = [];
  try {
    for (const connections of opts.connections) {
      opts.log(`  ${opts.label}: ${connections} connection(s), ${opts.seconds} s…\n`);
      const before = await snapshot(service.url);
      const r = await cannon({
        url: service.url, connections, duration: opts.seconds, timeout: 30,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        requests: [{ method: 'POST', path: '/alertmanager', setupRequest: (req) => ({ ...req, body: variants.body(next++) }) }],
      });
      const after = await snapshot(service.url);
      const alerts = after.decisions - before.decisions;
      const deliveries = after.count - before.count;
      runs.push({
        connections, seconds: round(r.duration),
        deliveriesPerS: round(deliveries / r.duration), alertsPerS: round(alerts / r.duration),
        requestMs: { p50: round(r.latency.p50), p99: round(r.latency.p99), max: round(r.latency.max) },
        decisionMs: { p50: round(quantileMs(before, after, 0.5)), p99: round(quantileMs(before, after, 0.99)) },
        non2xx: r.non2xx, errors: r.errors,
      });
    }
  } finally {
    await service.close();
    rmSync(data, { recursive: true, force: true });
  }
  return { database: opts.label, corpusDeliveries: variants.count, runs };
}
