/**
 * The one call a drill makes at its end: the figures computed from its write history, the run's
 * JSON and HTML report written, and, when the drill ran on the real cluster and names a results
 * file, its figures recorded in bench/results/drills.json.
 */
import type { DrillRun, HistoryEntry } from '../run.js';
import { computeFigures } from './figures.js';
import { writeDrillReport } from './listing.js';
import { recordDrillFigures, type DrillResultEntry } from './targets.js';

/** A run as the drill knows it before its figures: a figure only the drill can measure may be given. */
export type UnfiguredRun = Omit<DrillRun, 'figures' | 'writeGap'> & { figures?: Pick<DrillRun['figures'], 'oldPrimaryWritesAfterPromotion'> };

/** Fills the run's figures from `history`, writes its report into `dir` and records it in `resultsFile` if given. */
export function finishDrillRun(input: { dir: string; run: UnfiguredRun; history: readonly HistoryEntry[]; resultsFile?: string }): {
  run: DrillRun; files: { json: string; html: string }; result?: DrillResultEntry;
} {
  const { figures, writeGap } = computeFigures({ history: input.history, events: input.run.events, check: input.run.check });
  const measured = input.run.figures?.oldPrimaryWritesAfterPromotion;
  const run: DrillRun = { ...input.run, figures: { ...figures, ...(measured === undefined ? {} : { oldPrimaryWritesAfterPromotion: measured }) }, writeGap };
  const files = writeDrillReport(input.dir, run);
  const result = input.resultsFile ? recordDrillFigures(run, input.resultsFile) : undefined;
  return { run, files, ...(result ? { result } : {}) };
}
