/**
 * The figures of one drill run (bench/results/drills.json), computed from what the load generator
 * recorded: pure functions over the write history, the per-second timeline and the run's events, so
 * each definition is pinned by a unit test on a crafted series. Times are seconds since the run
 * started; every window opens at the first `fault` event (a run without one has no outage to time).
 */
import type { CheckResult, DrillFigures, HistoryEntry, RunEvent } from '../run.js';

/** The last ok commit on the old primary and the first on the new one (the write gap's two marks). */
export interface WriteGapMarks {
  lastOldT: number;
  firstNewT: number;
}

/** What the figures are computed from. */
export interface FiguresInput {
  history: readonly HistoryEntry[];
  events: readonly RunEvent[];
  check: Pick<CheckResult, 'lost'>;
}

/** The first event of `kind` at or after `from`, or undefined. */
function firstEvent(events: readonly RunEvent[], kind: RunEvent['kind'], from = Number.NEGATIVE_INFINITY): RunEvent | undefined {
  return [...events].sort((a, b) => a.t - b.t).find((e) => e.kind === kind && e.t >= from);
}

/** When the first fault was injected, or null when the run injected none. */
export function faultTime(events: readonly RunEvent[]): number | null {
  return firstEvent(events, 'fault')?.t ?? null;
}

/** The end times of ok writes, ascending. */
function okEnds(history: readonly HistoryEntry[]): number[] {
  return history.filter((h) => h.outcome === 'ok').map((h) => h.endT).sort((a, b) => a - b);
}

/**
 * Write unavailability: the longest time, from the fault on, that a client waited for its writes to
 * be served. Between one ok commit (or the fault) and the next ok commit (or the last attempt's end
 * when none came back), it runs from the first attempt in that span (or the span's start, when one
 * was already in flight) to its end; a span with no attempt (the load paused) counts for nothing.
 * While all is well it is one write's latency.
 */
export function writeUnavailableSeconds(history: readonly HistoryEntry[], events: readonly RunEvent[]): number | null {
  const fault = faultTime(events);
  if (fault === null) return null;
  const after = history.filter((h) => h.endT > fault);
  if (after.length === 0) return null;
  const oks = okEnds(after).filter((t) => t > fault);
  const lastEnd = Math.max(...after.map((h) => h.endT));
  const bounds = [fault, ...oks];
  if (bounds.at(-1)! < lastEnd) bounds.push(lastEnd);
  let longest = 0;
  for (let i = 1; i < bounds.length; i++) {
    const [from, to] = [bounds[i - 1]!, bounds[i]!];
    const attempts = after.filter((h) => h.startT < to && h.endT > from);
    if (attempts.length > 0) longest = Math.max(longest, to - Math.max(from, Math.min(...attempts.map((h) => h.startT))));
  }
  return longest;
}

/** The first write after the fault that did not end ok (fail or indeterminate), by its end. */
function firstFailingWrite(history: readonly HistoryEntry[], fault: number): HistoryEntry | undefined {
  return history.filter((h) => h.outcome !== 'ok' && h.endT >= fault).sort((a, b) => a.endT - b.endT)[0];
}

/** Time to detect: from the fault to the first promotion seen or the first failing write, whichever came first. */
export function detectSeconds(history: readonly HistoryEntry[], events: readonly RunEvent[]): number | null {
  const fault = faultTime(events);
  if (fault === null) return null;
  const seen = [firstEvent(events, 'primary', fault)?.t, firstFailingWrite(history, fault)?.endT].filter((t): t is number => t !== undefined);
  return seen.length === 0 ? null : Math.min(...seen) - fault;
}

/**
 * Time to recover: from the fault to the end of the first ok write that started after the outage
 * was seen (the first failing write, else the promotion, else the fault itself). A write already
 * in flight when the fault hit and acknowledged just after it does not count as recovery.
 */
export function recoverSeconds(history: readonly HistoryEntry[], events: readonly RunEvent[]): number | null {
  const fault = faultTime(events);
  if (fault === null) return null;
  const seen = firstFailingWrite(history, fault)?.endT ?? firstEvent(events, 'primary', fault)?.t ?? fault;
  const first = history.filter((h) => h.outcome === 'ok' && h.startT >= seen).sort((a, b) => a.endT - b.endT)[0];
  return first ? first.endT - fault : null;
}

/** The nearest-rank percentile `p` (0–100) of `values`, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p99 write latency (ms) of the writes started between the first fault and the last heal (or the run's end). */
export function p99MsDuringDrill(history: readonly HistoryEntry[], events: readonly RunEvent[]): number | null {
  const fault = faultTime(events);
  if (fault === null) return null;
  const heals = events.filter((e) => e.kind === 'heal' && e.t >= fault).map((e) => e.t);
  const until = heals.length > 0 ? Math.max(...heals) : Number.POSITIVE_INFINITY;
  // To the hundredth of a millisecond: seconds subtracted in floating point leave noise below that.
  return percentile(history.filter((h) => h.startT >= fault && h.startT <= until).map((h) => Math.round((h.endT - h.startT) * 100_000) / 100), 99);
}

/**
 * The write gap's marks: the last ok commit ending at or before the promotion that followed the
 * fault (the old timeline) and the first ok commit ending after it (the new one). Null without a
 * promotion after the fault or without commits on both sides.
 */
export function writeGapMarks(history: readonly HistoryEntry[], events: readonly RunEvent[]): WriteGapMarks | null {
  const fault = faultTime(events);
  if (fault === null) return null;
  const promotion = firstEvent(events, 'primary', fault);
  if (!promotion) return null;
  const oks = okEnds(history);
  const lastOldT = oks.filter((t) => t <= promotion.t).at(-1);
  const firstNewT = oks.find((t) => t > promotion.t);
  return lastOldT === undefined || firstNewT === undefined ? null : { lastOldT, firstNewT };
}

/** Every figure of a run (and the write gap's marks for the report's chart). */
export function computeFigures(input: FiguresInput): { figures: DrillFigures; writeGap: WriteGapMarks | null } {
  const { history, events, check } = input;
  const writeGap = writeGapMarks(history, events);
  return {
    figures: {
      writeUnavailableSeconds: writeUnavailableSeconds(history, events),
      acknowledgedLost: check.lost.length,
      indeterminate: history.filter((h) => h.outcome === 'indeterminate').length,
      detectSeconds: detectSeconds(history, events),
      recoverSeconds: recoverSeconds(history, events),
      p99MsDuringDrill: p99MsDuringDrill(history, events),
      writeGapSeconds: writeGap ? writeGap.firstNewT - writeGap.lastOldT : null,
    },
    writeGap,
  };
}
