/**
 * The history of backup runs and restore drills (control table backup_runs, migration 0005): every
 * layer records its start and its outcome here, and the console, the metrics and `kona backup list`
 * read it. An error text is written for an operator: never a password, key or connection string.
 */
import type { Kysely } from 'kysely';
import type { ControlSchema } from '../../platform/db/schema.js';

/** The layers that write runs; 'drill' rows are restore drills. */
export type BackupLayer = 'base' | 'dump' | 'restic' | 'snapshot' | 'drill';

/** One run as read back. */
export interface BackupRun {
  id: string;
  layer: BackupLayer;
  kind: string | null;
  tenantSlug: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  status: 'running' | 'ok' | 'failed';
  bytes: number | null;
  location: string | null;
  error: string | null;
  details: Record<string, unknown>;
}

/** Records that a run started; returns its id for finishBackupRun. */
export async function startBackupRun(
  control: Kysely<ControlSchema>,
  run: { layer: BackupLayer; kind?: string | null; tenantSlug?: string | null; startedAt: Date },
): Promise<string> {
  const row = await control
    .insertInto('backup_runs')
    .values({ layer: run.layer, kind: run.kind ?? null, tenant_slug: run.tenantSlug ?? null, started_at: run.startedAt, status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records a run's outcome: ok with what it wrote, or failed with why. */
export async function finishBackupRun(
  control: Kysely<ControlSchema>,
  id: string,
  outcome: { status: 'ok' | 'failed'; finishedAt: Date; bytes?: number | null; location?: string | null; error?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await control
    .updateTable('backup_runs')
    .set({
      status: outcome.status,
      finished_at: outcome.finishedAt,
      bytes: outcome.bytes ?? null,
      location: outcome.location ?? null,
      error: outcome.error ?? null,
      details: JSON.stringify(outcome.details ?? {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Runs, newest first, optionally of one layer and one rescue. */
export async function listBackupRuns(
  control: Kysely<ControlSchema>,
  filter: { layer?: BackupLayer; tenantSlug?: string; limit?: number } = {},
): Promise<BackupRun[]> {
  let query = control.selectFrom('backup_runs').selectAll().orderBy('started_at', 'desc').limit(filter.limit ?? 100);
  if (filter.layer) query = query.where('layer', '=', filter.layer);
  if (filter.tenantSlug) query = query.where('tenant_slug', '=', filter.tenantSlug);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    layer: r.layer,
    kind: r.kind,
    tenantSlug: r.tenant_slug,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    bytes: r.bytes === null ? null : Number(r.bytes),
    location: r.location,
    error: r.error,
    details: r.details,
  }));
}

/** The last successful run per layer and rescue (null rescue: whole-server runs), for metrics and alerts. */
export async function lastGoodRuns(control: Kysely<ControlSchema>): Promise<BackupRun[]> {
  return newestPerKey(control, ['ok']);
}

/**
 * Per layer, kind and rescue: the newest finished run (ok or failed), and the newest failed one.
 * The metrics say from these whether a layer's last run failed, so an alert fires at once.
 */
export async function runOutcomes(control: Kysely<ControlSchema>): Promise<{ latest: BackupRun[]; lastFailed: BackupRun[] }> {
  return { latest: await newestPerKey(control, ['ok', 'failed']), lastFailed: await newestPerKey(control, ['failed']) };
}

async function newestPerKey(control: Kysely<ControlSchema>, statuses: ('ok' | 'failed')[]): Promise<BackupRun[]> {
  const runs = await control
    .selectFrom('backup_runs')
    .selectAll()
    .where('status', 'in', statuses)
    .distinctOn(['layer', 'kind', 'tenant_slug'])
    .orderBy('layer')
    .orderBy('kind')
    .orderBy('tenant_slug')
    .orderBy('finished_at', 'desc')
    .execute();
  return runs.map((r) => ({
    id: r.id, layer: r.layer, kind: r.kind, tenantSlug: r.tenant_slug, startedAt: r.started_at, finishedAt: r.finished_at,
    status: r.status, bytes: r.bytes === null ? null : Number(r.bytes), location: r.location, error: r.error, details: r.details,
  }));
}
