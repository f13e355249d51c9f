/**
 * `kona drill run <name>`: one high-availability drill on the local cluster, end to end. Brings the
 * cluster up (or uses the one in `--dir`), starts the load, lets it run a baseline, injects the
 * drill's fault, sees the takeover, heals, keeps the load a while, stops it, waits (bounded) for
 * every replica to catch up, runs the checker against the new primary, every replica and the old
 * primary, and ends with finishDrillRun (figures, JSON + HTML report, drills.json).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ClusterControl } from '../cluster/control.js';
import { clusterDown } from '../cluster/down.js';
import { memberUrl, readLayout, type ClusterLayout } from '../cluster/layout.js';
import { waitFor, WaitAborted } from '../cluster/probes.js';
import { clusterUp } from '../cluster/up.js';
import { checkRun, tenantDatabaseUrl, type CheckSource } from '../load/check.js';
import { readHistory } from '../load/history.js';
import { runLoad, type LoadResult, type StaffLogin } from '../load/load.js';
import { finishDrillRun } from '../report/finish.js';
import type { DrillRun, RunEvent } from '../run.js';
import { drillNamed, type Drill, type FaultOutcome } from './faults.js';
import { runAlerts, runTriage } from './alerts.js';

/** The rescues a drill loads and their staff logins. */
export interface Workload {
  tenants: string[];
  staff: Record<string, StaffLogin>;
}

/** How a drill runs. */
export interface DrillOptions {
  drill: string;
  /** The cluster's folder: used when a cluster runs there, else one is brought up there. */
  clusterDir: string;
  /** Roughly how long the load runs, in seconds (baseline, fault and heal, then the rest). */
  seconds: number;
  /** Requests per second. */
  rate: number;
  /** Leave a cluster this run brought up running (a cluster that was already up is always left). */
  keep?: boolean;
  /** Where the run's JSON and HTML go. */
  reportDir: string;
  /** bench/results/drills.json, when the run's figures are to be recorded. */
  resultsFile?: string;
  /** The rescues to load and their staff logins (seeded by the app side: apps/drill-workload.ts). */
  workload(layout: ClusterLayout): Promise<Workload>;
  /** Bound on each wait (takeover, heal, catch-up); default 90 s. */
  timeoutMs?: number;
  progress?: (line: string) => void;
}

/** What the run ended with. */
export interface DrillOutcome {
  run: DrillRun;
  files: { json: string; html: string };
  /** One line: the drill, the verdict, the key figures. */
  verdict: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens the cluster in `dir`, bringing one up there when none runs; says whether this run started it. */
async function openCluster(dir: string, say: (l: string) => void): Promise<{ control: ClusterControl; layout: ClusterLayout; started: boolean }> {
  const resolved = path.resolve(dir);
  if (existsSync(path.join(resolved, 'cluster.json'))) return { control: ClusterControl.open(resolved), layout: readLayout(resolved), started: false };
  say(`bringing the drill cluster up in ${resolved}`);
  await clusterUp({ dir: resolved, web: 2, progress: say });
  return { control: ClusterControl.open(resolved), layout: readLayout(resolved), started: true };
}

/** Waits until every standby has replayed everything the primary wrote (Patroni's lag 0), bounded. */
async function waitCaughtUp(control: ClusterControl, timeoutMs: number): Promise<void> {
  await waitFor('every replica caught up (lag 0)', async () => {
    const members = await control.members();
    const standbys = members.filter((m) => m.role !== 'leader');
    return members.some((m) => m.role === 'leader') && standbys.length > 0 && standbys.every((m) => m.lag === 0 && ['running', 'streaming'].includes(m.state)) ? true : undefined;
  }, timeoutMs, 250);
}

/** The checker's sources: the new primary, every replica, and the replaced primary as old-primary. */
async function checkSources(control: ClusterControl, layout: ClusterLayout, oldPrimary: string | undefined): Promise<CheckSource[]> {
  const members = await control.members();
  const leader = members.find((m) => m.role === 'leader');
  if (!leader) throw new Error('No primary to check against');
  const source = (role: CheckSource['role'], name: string): CheckSource => {
    const m = layout.members.find((x) => x.name === name)!;
    return { role, urlFor: (t) => tenantDatabaseUrl(memberUrl(layout, m), t) };
  };
  const replicas = layout.members.filter((m) => m.name !== leader.name).map((m) => source('replica', m.name));
  return [source('primary', leader.name), ...replicas, ...(oldPrimary && oldPrimary !== leader.name ? [source('old-primary', oldPrimary)] : [])];
}

/** The run's clock: seconds since the load's time 0 (the history's clock), and the events marked on it. */
class RunClock {
  private t0: number | undefined;
  /** The wall clock at time 0 (for Prometheus). */
  wallMs = Date.now();
  readonly events: RunEvent[] = [];

  constructor(private readonly say: (line: string) => void) {}

  /** Time 0: called by the load when it starts. */
  start(): void {
    this.t0 = performance.now();
    this.wallMs = Date.now();
  }

  get started(): boolean {
    return this.t0 !== undefined;
  }

  now(): number {
    return this.t0 === undefined ? 0 : (performance.now() - this.t0) / 1000;
  }

  /** Records an event now. */
  mark = (kind: RunEvent['kind'], detail: string): void => {
    this.events.push({ t: Math.round(this.now() * 1000) / 1000, kind, detail });
    this.say(`${this.now().toFixed(1)} s  ${kind}: ${detail}`);
  };
}

interface UnderLoad {
  result: LoadResult;
  outcome: FaultOutcome;
  endT: number;
}

/** Starts the load, lets it run a baseline, runs the drill's fault and heal, keeps the load a tail, stops it. */
async function faultUnderLoad(o: DrillOptions, drill: Drill, cluster: { control: ClusterControl; layout: ClusterLayout }, workload: Workload, historyFile: string, clock: RunClock, timeoutMs: number): Promise<UnderLoad> {
  const stop = new AbortController();
  // The load's own bound is generous: the drill stops it once the fault is healed and the tail has run.
  const load = runLoad({
    url: cluster.control.webUrl, tenants: workload.tenants, staff: workload.staff, seconds: o.seconds * 20 + 600, rate: o.rate,
    concurrency: 64, timeoutMs: 5000, historyFile, signal: stop.signal, onStart: () => clock.start(),
  });
  let loadError: Error | undefined;
  load.catch((err: Error) => (loadError = err));
  let outcome: FaultOutcome;
  try {
    await waitFor('the load to start', async () => {
      if (loadError) throw new WaitAborted(`the load could not start: ${loadError.message}`);
      return clock.started ? true : undefined;
    }, 60_000, 50);
    await sleep(Math.max(2, o.seconds * 0.25) * 1000);
    outcome = await drill.run({ ...cluster, mark: clock.mark, timeoutMs });
    await sleep(Math.max(2, o.seconds - clock.now(), o.seconds * 0.15) * 1000);
  } finally {
    stop.abort();
    await load.catch(() => undefined); // the requests in flight finish and the history is closed
  }
  return { result: await load, outcome, endT: clock.now() };
}

/** The one-line verdict. */
function verdictLine(run: DrillRun, outcome: FaultOutcome): string {
  const secs = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} s`);
  const { check, figures: f } = run;
  return `${run.drill}: ${check.verdict.toUpperCase()} — ${check.ok} acknowledged, ${check.lost.length} lost, ${check.indeterminate} indeterminate; `
    + `write unavailability ${secs(f.writeUnavailableSeconds)}, recover ${secs(f.recoverSeconds)}${outcome.newPrimary ? `; new primary ${outcome.newPrimary}` : ''}`;
}

/** Runs one drill end to end; throws only when the drill could not run (the verdict is in the outcome). */
export async function runDrill(o: DrillOptions): Promise<DrillOutcome> {
  const drill = drillNamed(o.drill);
  const say = o.progress ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 90_000;
  const { control, layout, started } = await openCluster(o.clusterDir, say);
  try {
    await control.waitHealthy(timeoutMs);
    const workload = await o.workload(layout);
    const id = `${o.drill}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
    mkdirSync(o.reportDir, { recursive: true });
    const historyFile = path.join(o.reportDir, `${id}.history.jsonl`);
    const startedAt = new Date().toISOString();
    const clock = new RunClock(say);
    say(`load: ${workload.tenants.join(', ')} at ${o.rate}/s through ${control.webUrl}`);
    const { result, outcome, endT } = await faultUnderLoad(o, drill, { control, layout }, workload, historyFile, clock, timeoutMs);
    say(`load stopped: ${result.requests} requests; writes ok ${result.writes.ok}, fail ${result.writes.fail}, indeterminate ${result.writes.indeterminate}`);
    await waitCaughtUp(control, timeoutMs);
    const history = readHistory(historyFile);
    const check = await checkRun(history, await checkSources(control, layout, outcome.oldPrimary));
    const run = {
      id, drill: drill.name, startedAt, finishedAt: new Date().toISOString(),
      settings: { seconds: o.seconds, rate: o.rate, tenants: workload.tenants, web: layout.web.length, members: layout.members.length, oldPrimary: outcome.oldPrimary, newPrimary: outcome.newPrimary, history: historyFile },
      timeline: result.timeline, events: clock.events, check, alerts: await runAlerts(layout, clock.wallMs, endT), triage: await runTriage(layout, clock.wallMs),
    };
    const { run: finished, files } = finishDrillRun({ dir: o.reportDir, run, history, ...(o.resultsFile ? { resultsFile: o.resultsFile } : {}) });
    return { run: finished, files, verdict: verdictLine(finished, outcome) };
  } finally {
    if (started && !o.keep) await clusterDown(o.clusterDir);
  }
}
