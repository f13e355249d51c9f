/**
 * `kona drill …` for the high-availability drills (issue 18), beside the restore drills that
 * backup-cli.ts adds under the same `drill` command. Each part adds its own subcommands here.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../platform/config/config.js';
import { checkRun, tenantDatabaseUrl, type CheckSource } from '../ops/drill/ha/load/check.js';
import { readHistory } from '../ops/drill/ha/load/history.js';
import { runLoad } from '../ops/drill/ha/load/load.js';
import { runListing, runReportFiles } from '../ops/drill/ha/report/listing.js';
import { haDrillsDir } from '../ops/drill/ha/report/store.js';

/** The program's `drill` command (made by the restore drills), or a new one. */
export function drillCommand(program: Command): Command {
  const drill = program.commands.find((c) => c.name() === 'drill') ?? program.command('drill');
  return drill.description('Drills: restore drills (restore) and high-availability drills');
}

/** Adds `kona drill report [id] [--dir <dir>]`: past HA drill runs newest first, or one run's files. */
export function addDrillReportCommand(drill: Command, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  drill
    .command('report')
    .description('HA drills: list past runs newest first (id, drill, when, verdict, write unavailability, lost, p99), or print one run\'s JSON and HTML paths')
    .argument('[id]', 'a run id from the list')
    .option('--dir <dir>', 'where the HA drills keep their runs (default: <data dir>/drills/ha)')
    .action((id: string | undefined, o: { dir?: string }) => {
      const dir = o.dir ?? haDrillsDir(loadConfig().dataDir);
      if (id === undefined) {
        for (const line of runListing(dir)) out(line);
        return;
      }
      const files = runReportFiles(dir, id);
      out(`json ${files.json}`);
      out(`html ${files.html}`);
    });
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positive(name: string, value: string, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number (got "${value}")`);
  return n;
}

const staffFileSchema = z.record(z.string(), z.object({ email: z.string().min(1), password: z.string().min(1) }));

function readStaffFile(file: string) {
  const parsed = staffFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: expected {"<slug>": {"email": "…", "password": "…"}, …}`);
  return parsed.data;
}

/** Adds `kona drill load` and `kona drill check` to the drill command. */
export function addDrillLoadCommands(drill: Command): void {
  drill
    .command('load')
    .description('Drive a realistic load at Kona (listing, dog and photo pages, applications, hub vet visits) and write the history of every write')
    .requiredOption('--url <url>', 'the web address Kona answers on (rescues at /r/<slug>)')
    .requiredOption('--tenants <slugs>', 'comma-separated rescues to load, e.g. a,b')
    .option('--seconds <n>', 'how long to run', '30')
    .option('--rate <r>', 'requests started per second (open loop)', '20')
    .option('--concurrency <n>', 'at most this many requests in flight', '32')
    .option('--timeout-ms <n>', 'per-request timeout', '5000')
    .option('--read-percent <n>', 'share of requests that are reads', '60')
    .option('--retries <n>', 'times an application is sent again with its idempotency key after a 503 or no answer', '1')
    .option('--history <file>', 'the append-only history (JSON lines); the timeline goes beside it', `drill-history-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`)
    .option('--staff-file <file>', 'JSON {"<slug>": {"email", "password"}} of staff accounts for hub edits; without it only public load')
    .action(async (o: Record<string, string>) => {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      const result = await runLoad({
        url: o.url!,
        tenants: o.tenants!.split(',').map((s) => s.trim()).filter(Boolean),
        seconds: positive('--seconds', o.seconds!),
        rate: positive('--rate', o.rate!),
        concurrency: positive('--concurrency', o.concurrency!, true),
        timeoutMs: positive('--timeout-ms', o.timeoutMs!),
        readPercent: Math.min(100, Number(o.readPercent)),
        retries: Math.max(0, Math.floor(Number(o.retries))),
        historyFile: o.history!,
        staff: o.staffFile ? readStaffFile(o.staffFile) : undefined,
        signal: stop.signal,
      });
      const timelineFile = o.history!.replace(/\.jsonl$/, '') + '.timeline.json';
      writeFileSync(timelineFile, `${JSON.stringify(result.timeline, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify({ tag: result.tag, requests: result.requests, writes: result.writes, history: o.history, timeline: timelineFile }, null, 2)}\n`);
    });

  drill
    .command('check')
    .description('Check a load history against the final state: nothing acknowledged lost, nothing unexpected, no duplicates, no cross-rescue ids, old-primary-only rows all indeterminate')
    .requiredOption('--history <file>', 'the history kona drill load wrote')
    .requiredOption('--db <url>', 'a server to read: the first is the new primary, the others replicas; a rescue\'s database is kona_<slug>, or {tenant} in the URL', collect, [])
    .option('--old-primary <url>', 'a replaced primary (repeatable)', collect, [])
    .action(async (o: { history: string; db: string[]; oldPrimary: string[] }) => {
      const source = (role: CheckSource['role'], url: string): CheckSource => ({ role, urlFor: (t) => tenantDatabaseUrl(url, t) });
      const sources = [...o.db.map((url, i) => source(i === 0 ? 'primary' : 'replica', url)), ...o.oldPrimary.map((url) => source('old-primary', url))];
      const result = await checkRun(readHistory(o.history), sources);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (result.verdict !== 'pass') process.exitCode = 1;
    });
}

function parseWeb(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error('--web must be a whole number from 1 to 8');
  return n;
}

/** `kona drill up|down|status`: the local HA cluster (src/ops/drill/ha/cluster). */
export function addDrillClusterCommands(drill: Command): void {
  drill
    .command('up')
    .description('Start the local HA cluster (etcd ×3, Patroni/PostgreSQL ×3, haproxy, Kona web replicas, worker, dispatcher, Prometheus, Alertmanager, triage) and leave it running')
    .option('--dir <folder>', 'the cluster\'s folder (data, logs, cluster.json); new or empty', './drill-cluster')
    .option('--web <n>', 'Kona web replicas behind haproxy', '2')
    .action(async (o: { dir: string; web: string }) => {
      const { clusterUp } = await import('../ops/drill/ha/cluster/up.js');
      const { clusterAddresses } = await import('../ops/drill/ha/cluster/status.js');
      const layout = await clusterUp({ dir: o.dir, web: parseWeb(o.web), progress: (line) => process.stderr.write(`${line}\n`) });
      const a = clusterAddresses(layout);
      process.stdout.write(`The drill cluster is up in ${layout.dir}\n  web           ${a.web}\n  rw (primary)  ${a.rw}  (password in cluster.json)\n  prometheus    ${a.prometheus}\n  alertmanager  ${a.alertmanager}\n  logs          ${layout.dir}/logs/\nStop it with: kona drill down --dir ${layout.dir}\n`);
    });
  drill
    .command('status')
    .description('Show the local HA cluster: members\' roles, state and lag (Patroni), etcd health, haproxy\'s view, web replicas, processes')
    .option('--dir <folder>', 'the cluster\'s folder', './drill-cluster')
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; json?: boolean }) => {
      const { clusterStatus, formatStatus } = await import('../ops/drill/ha/cluster/status.js');
      const s = await clusterStatus(o.dir);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    });
  drill
    .command('down')
    .description('Stop every process of the local HA cluster and remove its folder')
    .option('--dir <folder>', 'the cluster\'s folder', './drill-cluster')
    .option('--keep', 'keep the folder (data and logs)')
    .action(async (o: { dir: string; keep?: boolean }) => {
      const { clusterDown } = await import('../ops/drill/ha/cluster/down.js');
      const r = await clusterDown(o.dir, { keep: o.keep });
      process.stdout.write(`Stopped ${r.stopped.length} processes; ${r.removed ? `removed ${o.dir}` : `kept ${o.dir}`}\n`);
    });
}

/** Adds `kona drill run <name>`: one HA drill under load on the local cluster, ending with its report. */
export function addDrillRunCommand(drill: Command): void {
  drill
    .command('run')
    .description('Run one HA drill under load on the local cluster (primary-kill, switchover, web-kill): fault, takeover, heal, check, report; exit 1 when the check fails')
    .argument('<name>', 'the drill: primary-kill, switchover or web-kill')
    .option('--dir <folder>', 'the cluster\'s folder: a cluster running there is used (and left up), else one is brought up there; default a new temporary folder')
    .option('--seconds <n>', 'how long the load runs, about (a quarter as baseline before the fault)', '60')
    .option('--rate <r>', 'requests started per second', '10')
    .option('--short', 'the short version the tests run: 12 s at 6 requests a second, figures not recorded')
    .option('--keep', 'leave a cluster this run brought up running')
    .option('--report-dir <dir>', 'where the run\'s JSON, HTML and history go (default: <data dir>/drills/ha)')
    .option('--no-record', 'do not record the figures in bench/results/drills.json')
    .action(async (name: string, o: { dir?: string; seconds: string; rate: string; short?: boolean; keep?: boolean; reportDir?: string; record: boolean }) => {
      const { drillNamed } = await import('../ops/drill/ha/drills/faults.js');
      const { runDrill } = await import('../ops/drill/ha/drills/run-drill.js');
      const { prepareDrillWorkload } = await import('./drill-workload.js');
      const { DRILLS_RESULTS_FILE } = await import('../ops/drill/ha/report/targets.js');
      const { packageRoot } = await import('../platform/runtime/paths.js');
      drillNamed(name);
      const seconds = o.short ? 12 : positive('--seconds', o.seconds);
      const rate = o.short ? 6 : positive('--rate', o.rate);
      const clusterDir = o.dir ?? path.join(mkdtempSync(path.join(tmpdir(), 'kona-drill-')), 'cluster');
      if (!o.dir) chmodSync(path.dirname(clusterDir), 0o755); // PostgreSQL's user must enter it
      const outcome = await runDrill({
        drill: name, clusterDir, seconds, rate, keep: o.keep || undefined,
        reportDir: o.reportDir ?? haDrillsDir(loadConfig().dataDir),
        resultsFile: o.record && !o.short ? path.join(packageRoot(), DRILLS_RESULTS_FILE) : undefined,
        workload: (layout) => prepareDrillWorkload(layout.dir, layout.webEnv),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      if (!o.dir && !o.keep) rmSync(path.dirname(clusterDir), { recursive: true, force: true });
      process.stdout.write(`${outcome.verdict}\nreport ${outcome.files.html}\n`);
      if (o.keep && !o.dir) process.stdout.write(`The cluster is still up: kona drill down --dir ${clusterDir}\n`);
      if (outcome.run.check.verdict !== 'pass') process.exitCode = 1;
    });
}
