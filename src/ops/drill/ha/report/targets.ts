/**
 * The targets for the HA drills and `bench/results/drills.json`, which keeps per drill the
 * latest real run's figures and whether each target was met. Only a run whose checker read real
 * databases is recorded (fixtures have none), so the file holds measurements, never examples.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DrillFigures, DrillRun } from '../run.js';

/** Where the drills' figures are kept, relative to the repository root. */
export const DRILLS_RESULTS_FILE = 'bench/results/drills.json';

/** One target and how the run did against it. */
export interface TargetResult {
  name: string;
  /** The target in words, e.g. "≤ 15 s". */
  target: string;
  value: number | null;
  pass: boolean;
}

/** What drills.json keeps for one drill. */
export interface DrillResultEntry {
  runId: string;
  at: string;
  verdict: DrillRun['check']['verdict'];
  figures: DrillFigures;
  targets: TargetResult[];
  /** Every target met and the checker passed. */
  pass: boolean;
}

interface Target {
  name: string;
  target: string;
  value(f: DrillFigures): number | null | undefined;
  ok(v: number): boolean;
}

const noneLost: Target = { name: 'acknowledged writes lost', target: '= 0', value: (f) => f.acknowledgedLost, ok: (v) => v === 0 };
const unavailableAtMost = (seconds: number): Target => ({ name: 'write unavailability (s)', target: `≤ ${seconds} s`, value: (f) => f.writeUnavailableSeconds, ok: (v) => v <= seconds });

/** The targets by drill name (issue 18): every drill loses nothing acknowledged; these three have more. */
export const DRILL_TARGETS: Readonly<Record<string, readonly Target[]>> = {
  'primary-kill': [unavailableAtMost(15)],
  switchover: [unavailableAtMost(5)],
  partition: [{ name: 'writes accepted by the old primary after promotion', target: '= 0', value: (f) => f.oldPrimaryWritesAfterPromotion, ok: (v) => v === 0 }],
};

/** Judges a run's figures against its drill's targets; a figure not measured fails its target. */
export function judgeTargets(drill: string, figures: DrillFigures): TargetResult[] {
  return [noneLost, ...(DRILL_TARGETS[drill] ?? [])].map((t) => {
    const value = t.value(figures) ?? null;
    return { name: t.name, target: t.target, value, pass: value !== null && t.ok(value) };
  });
}

/** The entry drills.json keeps for `run`. */
export function resultEntry(run: DrillRun): DrillResultEntry {
  const targets = judgeTargets(run.drill, run.figures);
  return { runId: run.id, at: run.finishedAt, verdict: run.check.verdict, figures: run.figures, targets, pass: run.check.verdict === 'pass' && targets.every((t) => t.pass) };
}

/**
 * Records `run` as its drill's latest figures in `file` (drills.json), keeping the other drills'.
 * Refuses a run whose checker read no database: that is a fixture or a run that never reached the
 * cluster, and the file holds only real measurements.
 */
export function recordDrillFigures(run: DrillRun, file: string): DrillResultEntry {
  if (run.check.sources.length === 0) throw new Error(`Run ${run.id} read no database (check.sources is empty); only real drill runs are recorded in ${file}.`);
  let drills: Record<string, DrillResultEntry> = {};
  try {
    drills = (JSON.parse(readFileSync(file, 'utf8')) as { drills?: Record<string, DrillResultEntry> }).drills ?? {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is not a drills results file (${(err as Error).message}); move it aside first.`, { cause: err });
  }
  const entry = resultEntry(run);
  const sorted = Object.fromEntries(Object.entries({ ...drills, [run.drill]: entry }).sort(([a], [b]) => a.localeCompare(b)));
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ updatedAt: run.finishedAt, drills: sorted }, null, 2)}\n`);
  renameSync(tmp, file);
  return entry;
}
