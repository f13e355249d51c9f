/**
 * npm run bench:triage — the alert triage service's benchmark (issue 5), in two parts:
 *   1. webhook ingest throughput and decision latency of the real `kona triage` process over HTTP
 *      (triage-ingest.ts), on embedded PGlite (on disk, as `kona triage` runs without
 *      KONA_TRIAGE_DATABASE_URL) and, where Debian's PostgreSQL server is installed, on a PostgreSQL
 *      server started for the run;
 *   2. noise reduction on the corpus: notifications a human would receive with triage versus raw
 *      Alertmanager, and that no serious or unknown alert was suppressed (triage-noise.ts).
 * Prints a table and writes bench/results/triage.json. Scale with BENCH_SECONDS (seconds per load
 * level, default 10) and BENCH_CONNECTIONS (default "1,10"); BENCH_TRIAGE_PG=0 leaves PostgreSQL out and
 * BENCH_TRIAGE_PGLITE=0 the embedded database; BENCH_TRIAGE_NODE_ARGS passes node flags to the service
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startPostgres } from '../test/harness/postgres.js';
import { measureIngest, type IngestResult } from './triage-ingest.js';
import { measureMessages, type MessagesResult } from './triage-messages.js';
import { measureNoise, type NoiseResult } from './triage-noise.js';
import { machineInfo, round } from './web-report.js';

// dist/bench/triage.js → the package root, where the corpus and the example policy are.
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = (process.env.BENCH_CONNECTIONS ?? '1,10').split(',').map(Number);
const log = (s: string): void => { process.stdout.write(s); };
const cols = (cells: Array<[string, number]>): string => cells.map(([v, w]) => (w < 0 ? v.padEnd(-w) : v.padStart(w))).join('');
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

function ingestTable(results: IngestResult[]): string {
  const head = cols([['database', -26], ['conns', 6], ['deliveries/s', 14], ['alerts/s', 10], ['decision p50 ms', 17], ['p99', 8], ['request p50 ms', 16], ['p99', 8], ['non-2xx', 9]]);
  const out = [
    'Webhook ingest: POST /alertmanager with the corpus\'s deliveries in order, each pass over it a new set of alerts (example policy, observe mode)',
    'decision: kona_triage_decision_seconds (handler start to all alerts decided, bucket-interpolated); request: autocannon, also counts waiting for earlier deliveries',
    '(engine passes are serial, and embedded PGlite runs its queries on the service\'s own thread, so under load a request waits before its handler starts)',
    head, '-'.repeat(head.length),
  ];
  for (const r of results) {
    for (const run of r.runs) {
      out.push(cols([[r.database, -26], [String(run.connections), 6], [run.deliveriesPerS.toFixed(0), 14], [run.alertsPerS.toFixed(0), 10],
        [run.decisionMs.p50.toFixed(2), 17], [run.decisionMs.p99.toFixed(2), 8], [run.requestMs.p50.toFixed(2), 16], [run.requestMs.p99.toFixed(2), 8],
        [String(run.non2xx + run.errors), 9]]));
    }
  }
  return out.join('\n');
}

/** The notification target: messages a person gets, at most this share of raw Alertmanager's one per delivery. */
const maxShareOfRaw = 0.3;

function messagesTable(n: NoiseResult, m: MessagesResult): string {
  const line = (c: MessagesResult['acknowledged']) => `${c.total} (${c.opened} opened, ${c.repeat} reminders, ${c.resolved} resolved) = ${(c.total / n.raw.onePerDelivery).toFixed(2)}× raw per delivery`;
  return [
    'Messages a person is sent (example policy with its shipped escalation section on, channels captured; heartbeat and overdue sweep each minute):',
    `  each page acknowledged as it arrives:  ${line(m.acknowledged)}`,
    `  never acknowledged:                    ${line(m.neverAcknowledged)}`,
    `  overdue routine alerts notified by the sweep: ${m.overdueDecisions}`,
    ...m.unsent.map((u) => `  notify decision that sent nothing: ${u}`),
  ].join('\n');
}

function noiseTable(n: NoiseResult): string {
  const out = [
    `Noise on the corpus (${n.deliveries} deliveries, ${n.alerts} alerts; example policy, observe mode):`,
    `  raw Alertmanager, one notification per delivery:  ${n.raw.onePerDelivery}`,
    `  raw Alertmanager, one per alert in a delivery:     ${n.raw.onePerAlert}`,
    `  with triage:                                       ${n.triage.notifications} (${n.triage.fromDecisions} notify/diagnose decisions + ${n.triage.heartbeatEscalations} heartbeat lost/back escalations)`,
    `  reduction: ${pct(n.reduction.vsPerDelivery)} fewer than one per delivery, ${pct(n.reduction.vsPerAlert)} fewer than one per alert`,
    `  decisions by route: ${Object.entries(n.triage.byRoute).map(([r, c]) => `${r} ${c}`).join(', ')}`,
    `  serious/unknown alerts, first firing: ${n.seriousOrUnknownFirst} checked, ${n.suppressed} suppressed`,
  ];
  for (const e of n.exceptions) {
    out.push(`    ${e.covered ? 'not suppressed' : 'SUPPRESSED'}: ${e.alertname} ${e.fingerprint} ${e.route} — "${e.reason}"${e.coveredBy ? `; covered by ${e.coveredBy}` : ''}`);
  }
  return out.join('\n');
}

/** The PostgreSQL server's decision p99 at 10 connections must stay within this (ms). */
const maxPostgresDecisionP99Ms = 50;

function targets(n: NoiseResult, m: MessagesResult, ingest: IngestResult[]): string[] {
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  const pg = ingest.find((r) => r.database.startsWith('PostgreSQL'))?.runs.find((r) => r.connections === 10);
  const sent = m.acknowledged.total;
  return [
    `zero serious or unknown alerts suppressed: ${ok(n.suppressed === 0)} (${n.suppressed} of ${n.seriousOrUnknownFirst})`,
    `messages a person gets ≤ ${maxShareOfRaw}× raw Alertmanager per delivery: ${ok(sent <= maxShareOfRaw * n.raw.onePerDelivery)} (${sent} vs ${n.raw.onePerDelivery}, pages acknowledged as they arrive; ${m.neverAcknowledged.total} if never acknowledged)`,
    pg === undefined
      ? 'decision p99 on PostgreSQL at 10 connections: not measured (no server, or BENCH_CONNECTIONS without 10)'
      : `decision p99 on PostgreSQL at 10 connections ≤ ${maxPostgresDecisionP99Ms} ms: ${ok(pg.decisionMs.p99 <= maxPostgresDecisionP99Ms)} (${pg.decisionMs.p99.toFixed(1)} ms)`,
    `corpus manifest agrees: ${ok(n.raw.onePerDelivery === n.manifest.rawNotificationsOnePerDelivery && n.raw.onePerAlert === n.manifest.rawNotificationsOnePerAlert && n.triage.fromDecisions === n.manifest.triageNotifications)} (manifest: ${n.manifest.rawNotificationsOnePerDelivery} / ${n.manifest.rawNotificationsOnePerAlert} raw, ${n.manifest.triageNotifications} triage decisions)`,
  ];
}

async function ingestAll(): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  // kona triage keeps its embedded database under KONA_DATA_DIR/triage; measureIngest gives it a fresh one.
  if (process.env.BENCH_TRIAGE_PGLITE !== '0') results.push(await measureIngest({ root, label: 'embedded PGlite (on disk)', connections, seconds, log }));
  if (process.env.BENCH_TRIAGE_PG !== '0' && findPostgresBin()) {
    const pg = await startPostgres();
    try {
      results.push(await measureIngest({ root, postgresUrl: pg.url, label: `PostgreSQL ${/\d+(\.\d+)?/.exec(pg.version)?.[0] ?? ''} (server)`, connections, seconds, log }));
    } finally {
      await pg.stop();
    }
  } else {
    log('  PostgreSQL: left out (no server binaries, or BENCH_TRIAGE_PG=0)\n');
  }
  return results;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  log('part 1: webhook ingest…\n');
  const ingest = await ingestAll();
  log('part 2: noise reduction on the corpus…\n');
  const noise = await measureNoise(root);
  const messages = await measureMessages(root);
  const met = targets(noise, messages, ingest);
  log(`\nKona triage benchmark; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}\n\n`);
  log(`${ingestTable(ingest)}\n\n${noiseTable(noise)}\n\n${messagesTable(noise, messages)}\n\nTargets:\n${met.map((t) => `  ${t}`).join('\n')}\n`);
  const out = path.join(root, 'bench/results/triage.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    machine: { ...machine, loadAverageAtEnd: loadavg().map(round) },
    settings: { secondsPerLevel: seconds, connections, policy: 'deploy/triage-policy.example.yaml', corpus: 'test/fixtures/alertmanager/corpus.json' },
    ingest, noise, messages, targets: met,
  }, null, 2)}\n`);
  log(`\nwrote ${path.relative(process.cwd(), out)}\n`);
  if (noise.suppressed > 0) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  process.stderr.write(`bench:triage failed: ${(err as Error).stack ?? err}\n`);
}
