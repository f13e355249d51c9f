/**
 * What the operator console's Backups page shows, read from backup_runs in one place: the last good
 * backup per layer and rescue with its age, recent failures with their reason, the restore drills,
 * and a day-by-day series of backup age and size for the page's chart.
 */
import type { Kysely } from 'kysely';
import type { ControlSchema } from '../../platform/db/schema.js';
import { lastGoodRuns, listBackupRuns, type BackupLayer, type BackupRun } from './runs.js';

const dayMs = 86_400_000;

/** The last good backup of one layer (and kind) for one rescue, or for the whole server (tenantSlug null). */
export interface LastGoodBackup {
  layer: Exclude<BackupLayer, 'drill'>;
  kind: string | null;
  tenantSlug: string | null;
  finishedAt: Date;
  ageSeconds: number;
  bytes: number | null;
}

/** One restore drill as the console lists it. */
export interface DrillSummary {
  kind: string;
  startedAt: Date;
  verdict: 'pass' | 'fail' | 'running';
  rtoSeconds: number | null;
  error: string | null;
}

/** One day of the chart: the worst age of any layer's last good backup at the day's end, and what was written that day. */
export interface BackupDay {
  day: Date;
  /** Hours since the stalest layer's last good backup at the end of the day (null: nothing backed up yet). */
  worstAgeHours: number | null;
  bytes: number;
}

/** Everything the Backups page needs. */
export interface BackupOverview {
  lastGood: LastGoodBackup[];
  failures: BackupRun[];
  drills: DrillSummary[];
  days: BackupDay[];
}

/** Reads the overview at `now` (the injected clock's time), with a chart of the last `days` days. */
export async function backupOverview(control: Kysely<ControlSchema>, now: Date, options: { days?: number; failures?: number; drills?: number } = {}): Promise<BackupOverview> {
  const lastGood = (await lastGoodRuns(control))
    .filter((r): r is BackupRun & { layer: LastGoodBackup['layer'] } => r.layer !== 'drill' && r.finishedAt !== null)
    .map((r) => ({ layer: r.layer, kind: r.kind, tenantSlug: r.tenantSlug, finishedAt: r.finishedAt!, ageSeconds: Math.max(0, (now.getTime() - r.finishedAt!.getTime()) / 1000), bytes: r.bytes }))
    .sort((a, b) => (a.tenantSlug ?? '').localeCompare(b.tenantSlug ?? '') || a.layer.localeCompare(b.layer) || (a.kind ?? '').localeCompare(b.kind ?? ''));
  // Failures among the recent runs: a layer failing nightly shows up long before 200 runs pass.
  const failures = (await listBackupRuns(control, { limit: 200 })).filter((r) => r.status === 'failed' && r.layer !== 'drill').slice(0, options.failures ?? 10);
  const drills = (await listBackupRuns(control, { layer: 'drill', limit: options.drills ?? 20 })).map(drillSummary);
  return { lastGood, failures, drills, days: await backupDays(control, now, options.days ?? 14) };
}

function drillSummary(r: BackupRun): DrillSummary {
  const rto = r.details.rtoSeconds;
  return {
    kind: r.kind ?? 'unknown',
    startedAt: r.startedAt,
    verdict: r.status === 'running' ? 'running' : r.status === 'ok' ? 'pass' : 'fail',
    rtoSeconds: typeof rto === 'number' && Number.isFinite(rto) ? rto : null,
    error: r.error,
  };
}

/** The chart's series: per UTC day, bytes written by good backups and the stalest layer's age at the day's end (or now, today). */
async function backupDays(control: Kysely<ControlSchema>, now: Date, count: number): Promise<BackupDay[]> {
  const today = Math.floor(now.getTime() / dayMs) * dayMs;
  const from = new Date(today - (count - 1) * dayMs);
  const runs = await control.selectFrom('backup_runs').select(['layer', 'kind', 'tenant_slug', 'finished_at', 'bytes'])
    .where('status', '=', 'ok').where('layer', '!=', 'drill').where('finished_at', '>=', new Date(from.getTime() - 7 * dayMs)).where('finished_at', '<=', now)
    .orderBy('finished_at').execute();
  const days: BackupDay[] = [];
  for (let i = 0; i < count; i++) {
    const start = from.getTime() + i * dayMs;
    const end = Math.min(start + dayMs, now.getTime());
    const latest = new Map<string, number>();
    let bytes = 0;
    for (const r of runs) {
      const at = r.finished_at!.getTime();
      if (at > end) break;
      latest.set(`${r.layer}/${r.kind ?? ''}/${r.tenant_slug ?? ''}`, at);
      if (at >= start) bytes += Number(r.bytes ?? 0);
    }
    const worst = latest.size ? Math.min(...latest.values()) : null;
    days.push({ day: new Date(start), worstAgeHours: worst === null ? null : (end - worst) / 3_600_000, bytes });
  }
  return days;
}
