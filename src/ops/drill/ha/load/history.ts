import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { HistoryEntry, TimelinePoint, WriteOutcome } from '../run.js';

/**
 * The append-only history of a load run (JSON lines of HistoryEntry).
 *
 * Crash safety: before a write is sent, a line marks it `indeterminate` ("pending"), and each line
 * is on disk (fsync) before the generator goes on. If the generator dies mid-request, the id is
 * still known as attempted, so a row it left is never "unexpected" and never counted as ok. The
 * outcome line, written when the answer is in, supersedes it: the last line of an id wins.
 */
export class HistoryFile {
  private readonly fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'a', 0o600);
  }

  /** Appends one entry and waits until it is on disk. */
  append(entry: HistoryEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  /** Appends the line that says a write is about to be sent (an outcome not yet known). */
  pending(entry: Omit<HistoryEntry, 'outcome' | 'endT' | 'error'>): void {
    this.append({ ...entry, endT: entry.startT, outcome: 'indeterminate', error: 'pending' });
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}

const outcomes = new Set<WriteOutcome>(['ok', 'fail', 'indeterminate']);

function isEntry(v: unknown): v is HistoryEntry {
  const e = v as Partial<HistoryEntry> | null;
  return !!e && typeof e.id === 'string' && typeof e.tenant === 'string' && typeof e.kind === 'string'
    && typeof e.startT === 'number' && typeof e.endT === 'number' && outcomes.has(e.outcome as WriteOutcome);
}

/**
 * Reads a history: one entry per id (its last line). A torn last line (the generator died while
 * writing it) is skipped; a bad line anywhere else is an error that names it.
 */
export function readHistory(file: string): HistoryEntry[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const byId = new Map<string, HistoryEntry>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn final line: the process died mid-append
      throw new Error(`${file}:${i + 1}: not a JSON line`);
    }
    if (!isEntry(parsed)) throw new Error(`${file}:${i + 1}: not a history entry (id, tenant, kind, startT, endT, outcome)`);
    byId.delete(parsed.id); // keep the order of the final lines
    byId.set(parsed.id, parsed);
  });
  return [...byId.values()];
}

/** One request of the run, read or write, as the timeline counts it. */
export interface RequestSample {
  /** Seconds since the run started, when the request was sent. */
  t: number;
  latencyMs: number;
  outcome: WriteOutcome;
  /** The HTTP status or transport error of a request that did not succeed. */
  error?: string;
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The per-second series of a run (every second from 0 to the last request, empty ones included). */
export function timelineOf(samples: RequestSample[]): TimelinePoint[] {
  const last = samples.reduce((m, s) => Math.max(m, Math.floor(s.t)), -1);
  const points: TimelinePoint[] = [];
  for (let t = 0; t <= last; t++) points.push({ t, requests: 0, ok: 0, fail: 0, indeterminate: 0, p50Ms: null, p99Ms: null, errors: {} });
  const latencies = points.map(() => [] as number[]);
  for (const s of samples) {
    const i = Math.max(0, Math.floor(s.t));
    const p = points[i]!;
    p.requests++;
    p[s.outcome]++;
    latencies[i]!.push(s.latencyMs);
    if (s.error) p.errors[s.error] = (p.errors[s.error] ?? 0) + 1;
  }
  points.forEach((p, i) => {
    const sorted = latencies[i]!.sort((a, b) => a - b);
    p.p50Ms = percentile(sorted, 50);
    p.p99Ms = percentile(sorted, 99);
  });
  return points;
}
