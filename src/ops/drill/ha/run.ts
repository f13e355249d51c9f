/**
 * One run of a high-availability drill (issue 18), as the load generator and checker write it and
 * the report renders it: `<drills dir>/<id>.json`. Times `t` are seconds since the run started.
 */

/** How one write ended, as the load generator may know it. */
export type WriteOutcome = 'ok' | 'fail' | 'indeterminate';

/** One write attempt in the append-only history (JSON lines beside the run). */
export interface HistoryEntry {
  /** The id the client chose (and sent as the idempotency key where the route takes one). */
  id: string;
  tenant: string;
  /** What was written: 'application', 'medical', 'dog-edit', 'photo', … */
  kind: string;
  startT: number;
  endT: number;
  /** ok only on a 2xx that echoes the id; fail only when Kona says nothing was committed; else indeterminate. */
  outcome: WriteOutcome;
  status?: number;
  /** Kona's problem code or the transport error (ECONNRESET, timeout), never a body. */
  error?: string;
  /** How many times it was sent with the same idempotency key, when more than once. */
  attempts?: number;
}

/** One second of the run. */
export interface TimelinePoint {
  t: number;
  requests: number;
  ok: number;
  fail: number;
  indeterminate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Errors of the second by kind (HTTP status or code, transport error). */
  errors: Record<string, number>;
}

/** Something that happened during the run: a fault injected, a promotion seen, the heal, an alert. */
export interface RunEvent {
  t: number;
  kind: 'fault' | 'heal' | 'primary' | 'alert' | 'triage' | 'note';
  detail: string;
}

/** The checker's verdict over the history and the final state of every database. */
export interface CheckResult {
  verdict: 'pass' | 'fail';
  attempted: number;
  ok: number;
  fail: number;
  indeterminate: number;
  /** ok − final: acknowledged writes missing at the end (must be empty). */
  lost: string[];
  /** final − attempted (must be empty). */
  unexpected: string[];
  duplicates: string[];
  /** Ids found in another tenant's database. */
  crossTenant: string[];
  /** Rows found only on an old primary whose write was not indeterminate. */
  oldPrimaryOnly: string[];
  /** Writes answered `fail` (nothing committed) whose row is there all the same (must be empty). */
  failedButFound?: string[];
  /** What was read, from where. */
  sources: string[];
}

/** The figures bench/results/drills.json keeps per drill. */
export interface DrillFigures {
  writeUnavailableSeconds: number | null;
  acknowledgedLost: number;
  indeterminate: number;
  detectSeconds: number | null;
  recoverSeconds: number | null;
  p99MsDuringDrill: number | null;
  /** First commit on the new timeline minus the last on the old one. */
  writeGapSeconds: number | null;
  /** Partition drill: writes the old primary accepted after the new one was promoted (must be 0); set by the drill that measures it. */
  oldPrimaryWritesAfterPromotion?: number;
}

/** A whole run. */
export interface DrillRun {
  id: string;
  drill: string;
  startedAt: string;
  finishedAt: string;
  settings: Record<string, unknown>;
  timeline: TimelinePoint[];
  events: RunEvent[];
  check: CheckResult;
  figures: DrillFigures;
  alerts: { name: string; firedT: number; resolvedT?: number }[];
  triage: { t: number; action: string; outcome: string }[];
  /** The write gap's marks: the last ok commit on the old timeline and the first on the new (report/figures.ts computeFigures). */
  writeGap?: { lastOldT: number; firstNewT: number } | null;
}
