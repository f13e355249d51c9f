/**
 * Threshold calibration: the similarities that give the grades their meaning, computed from an
 * evaluation set's ranked candidates (each query's ten best dogs, by each dog's best photo).
 *
 * The rule: a grade's threshold is the lowest similarity t such that, of every candidate at or
 * above t, at least the grade's share is the query's own dog — strong ≥ 0.9, possible ≥ 0.5.
 * Candidates are walked from the most alike down, so t is the last point where the running
 * precision still meets the target. None when no t reaches it (the embedder cannot tell dogs apart
 * at that precision on this set). A threshold in use is "off" when it differs by more than
 * `calibrationTolerance` from the calibrated one.
 */
import { gradeThresholds } from '../src/features/matching/matching.service.js';
import { round, type ScoredCandidate } from './matching-eval.js';

/** The precision each grade promises on the evaluation set. */
export const gradeTargets = { strong: 0.9, possible: 0.5 } as const;

/** How far a threshold in use may sit from the calibrated one before the bench calls it off. */
export const calibrationTolerance = 0.05;

/** Calibrated thresholds beside those in use, for one embedder on one set. */
export interface Calibration {
  rule: string;
  calibrated: { strong: number | null; possible: number | null };
  inUse: { strong: number; possible: number } | null;
  /** Whether each threshold in use is within the tolerance of the calibrated one (null: nothing to compare). */
  agrees: { strong: boolean | null; possible: boolean | null };
}

/** The lowest similarity at which the candidates at or above it are at least `target` right. */
export function thresholdFor(scored: readonly ScoredCandidate[], target: number): number | null {
  const sorted = [...scored].sort((a, b) => b.similarity - a.similarity);
  let right = 0;
  let found: number | null = null;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.rightDog) right++;
    // Ties: only judge at the last candidate of a run of equal similarities.
    if (i + 1 < sorted.length && sorted[i + 1]!.similarity === sorted[i]!.similarity) continue;
    if (right / (i + 1) >= target) found = sorted[i]!.similarity;
  }
  return found === null ? null : round(found);
}

/** Calibrates both grades for `modelId` and compares them with the thresholds in use. */
export function calibrate(modelId: string, scored: readonly ScoredCandidate[]): Calibration {
  const calibrated = { strong: thresholdFor(scored, gradeTargets.strong), possible: thresholdFor(scored, gradeTargets.possible) };
  const inUse = gradeThresholds[modelId] ?? null;
  const agree = (c: number | null, u: number | undefined) => (c === null || u === undefined ? null : Math.abs(c - u) <= calibrationTolerance);
  return {
    rule: `lowest similarity where the candidates at or above it are the right dog at least ${gradeTargets.strong} (strong) / ${gradeTargets.possible} (possible) of the time`,
    calibrated, inUse, agrees: { strong: agree(calibrated.strong, inUse?.strong), possible: agree(calibrated.possible, inUse?.possible) },
  };
}

/** One line for the output. */
export function calibrationLine(c: Calibration): string {
  const f = (x: number | null) => (x === null ? 'none reaches it' : String(x));
  const use = c.inUse ? `in use strong ${c.inUse.strong} / possible ${c.inUse.possible}` : 'none in use (the fallback applies)';
  const verdict = c.agrees.strong === false || c.agrees.possible === false ? ' — OFF by more than the tolerance' : c.inUse ? ' — within tolerance' : '';
  return `calibrated strong ${f(c.calibrated.strong)} / possible ${f(c.calibrated.possible)}; ${use}${verdict}`;
}
