/**
 * Synthetic drill runs for the report's tests: a primary kill under load, built second by second
 * with a fault, a promotion, an alert, a triage action and the heal. Never recorded as figures.
 */
import type { DrillRun, HistoryEntry, TimelinePoint } from '../run.js';
import { computeFigures } from './figures.js';

/** A synthetic primary-kill run `id` started at `startedAt`, lasting `seconds` (fault at 10, promotion at 14, heal at 25). */
export function syntheticRun(id: string, startedAt: string, options: { seconds?: number; lost?: string[]; drill?: string } = {}): DrillRun {
  const seconds = options.seconds ?? 40;
  const history: HistoryEntry[] = [];
  const timeline: TimelinePoint[] = [];
  for (let t = 0; t < seconds; t++) {
    const down = t >= 10 && t < 15;
    const writes = [0, 0.25, 0.5, 0.75].map((f, i): HistoryEntry => ({
      id: `${id}-w${t}-${i}`, tenant: i % 2 ? 'rescue-a' : 'rescue-b', kind: 'application', startT: t + f, endT: t + f + (down ? 0.2 : 0.04),
      outcome: down ? (i === 0 && t === 10 ? 'indeterminate' : 'fail') : 'ok', status: down ? 503 : 201, ...(down ? { error: 'KONA_ERR_DB_SWITCHING' } : {}),
    }));
    history.push(...writes);
    timeline.push({
      t, requests: down ? 40 : 120, ok: down ? 30 : 120, fail: down ? 9 : 0, indeterminate: down && t === 10 ? 1 : 0,
      p50Ms: down ? 180 : 12 + (t % 3), p99Ms: down ? 900 : 40 + (t % 5), errors: down ? { KONA_ERR_DB_SWITCHING: 6, ECONNRESET: 3 } : {},
    });
  }
  const events: DrillRun['events'] = [
    { t: 10, kind: 'fault', detail: 'SIGKILL to the primary pg1 <script>' },
    { t: 12, kind: 'alert', detail: 'KonaDatabaseDown firing' },
    { t: 14, kind: 'primary', detail: 'pg2 promoted' },
    { t: 16, kind: 'triage', detail: 'observe-only: would restart pg1' },
    { t: 25, kind: 'heal', detail: 'pg1 rejoined as a standby' },
  ];
  const lost = options.lost ?? [];
  const check: DrillRun['check'] = {
    verdict: lost.length === 0 ? 'pass' : 'fail', attempted: history.length, ok: history.filter((h) => h.outcome === 'ok').length,
    fail: history.filter((h) => h.outcome === 'fail').length, indeterminate: 1, lost, unexpected: [], duplicates: [], crossTenant: [], oldPrimaryOnly: [], sources: [],
  };
  const { figures, writeGap } = computeFigures({ history, events, check });
  const finishedAt = new Date(Date.parse(startedAt) + seconds * 1000).toISOString();
  return {
    id, drill: options.drill ?? 'primary-kill', startedAt, finishedAt, settings: { tenants: 2, writesPerSecond: 4 }, timeline, events, check, figures, writeGap,
    alerts: [{ name: 'KonaDatabaseDown', firedT: 12, resolvedT: 26 }],
    triage: [{ t: 16, action: 'restart pg1', outcome: 'observe-only: not executed' }],
  };
}
