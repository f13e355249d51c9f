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
import { drillNamed } from './faults.js';
import { runAlerts } from './alerts.js';

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
  workload(layout: ClusterLayout): Promise<{ tenants: string[]; staff: Record<string, StaffLogin> }>;
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
    const events: RunEvent[] = [];
    let t0: number | undefined;
    let t0Wall = Date.now();
    const now = () => (t0 === undefined ? 0 : (performance.now() - t0) / 1000);
    const mark = (kind: RunEvent['kind'], detail: string) => {
      events.push({ t: Math.round(now() * 1000) / 1000, kind, detail });
      say(`${now().toFixed(1)} s  ${kind}: ${detail}`);
    };
    const stop = new AbortController();
    say(`load: ${workload.tenants.join(', ')} at ${o.rate}/s through ${control.webUrl}`);
    // The load's own bound is generous: the drill stops it once the fault is healed and the tail has run.
    const load: Promise<LoadResult> = runLoad({
      url: control.webUrl, tenants: workload.tenants, staff: workload.staff, seconds: o.seconds * 20 + 600, rate: o.rate,
      concurrency: 64, timeoutMs: 5000, historyFile, signal: stop.signal, onStart: () => {
        t0 = performance.now();
        t0Wall = Date.now();
      },
    });
    let loadError: Error | undefined;
    load.catch((err: Error) => (loadError = err));
    let outcome: Awaited<ReturnType<typeof drill.run>> = {};
    try {
      const baseline = Math.max(2, o.seconds * 0.25);
      await waitFor('the load to start', async () => {
        if (loadError) throw new WaitAborted(`the load could not start: ${loadError.message}`);
        return t0 === undefined ? undefined : true;
      }, 60_000, 50);
      await sleep(baseline * 1000);
      outcome = await drill.run({ control, layout, mark, timeoutMs });
      const tail = Math.max(2, o.seconds - now(), o.seconds * 0.15);
      await sleep(tail * 1000);
    } finally {
      stop.abort();
    }
    const result = await load;
    const endT = now();
    say(`load stopped: ${result.requests} requests; writes ok ${result.writes.ok}, fail ${result.writes.fail}, indeterminate ${result.writes.indeterminate}`);
    await waitCaughtUp(control, timeoutMs);
    const history = readHistory(historyFile);
    const check = await checkRun(history, await checkSources(control, layout, outcome.oldPrimary));
    const alerts = await runAlerts(layout, t0Wall, endT);
    const run = {
      id, drill: drill.name, startedAt, finishedAt: new Date().toISOString(),
      settings: { seconds: o.seconds, rate: o.rate, tenants: workload.tenants, web: layout.web.length, members: layout.members.length, oldPrimary: outcome.oldPrimary, newPrimary: outcome.newPrimary, history: historyFile },
      timeline: result.timeline, events, check, alerts, triage: [],
    };
    const { run: finished, files } = finishDrillRun({ dir: o.reportDir, run, history, ...(o.resultsFile ? { resultsFile: o.resultsFile } : {}) });
    const f = finished.figures;
    const secs = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} s`);
    const verdict = `${drill.name}: ${check.verdict.toUpperCase()} — ${check.ok} acknowledged, ${check.lost.length} lost, ${check.indeterminate} indeterminate; write unavailability ${secs(f.writeUnavailableSeconds)}, recover ${secs(f.recoverSeconds)}${outcome.newPrimary ? `; new primary ${outcome.newPrimary}` : ''}`;
    return { run: finished, files, verdict };
  } finally {
    if (started && !o.keep) await clusterDown(o.clusterDir);
  }
}
