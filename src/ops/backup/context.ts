/**
 * What a backup layer runs with, and the one way it records a run in backup_runs: recordRun wraps
 * the work, so a run is written as started before anything happens and as ok or failed after, and
 * a failure of one rescue's backup is recorded and reported without stopping the others.
 */
import type { Logger } from 'pino';
import type { Config } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/driver.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import type { TenantDatabases } from '../../platform/tenancy/tenant-databases.js';
import type { DumpIo } from './dump.js';
import type { BackupLayout } from './layout.js';
import { finishBackupRun, startBackupRun, type BackupLayer } from './runs.js';

/** Everything a layer needs from the running process. */
export interface BackupContext {
  config: Config;
  control: Database<ControlSchema>;
  tenants: TenantDatabases;
  layout: BackupLayout;
  logger: Logger;
  /** The clock runs are stamped with. */
  now: () => Date;
  /** Only this rescue (`--tenant`); absent: every rescue (disabled ones too) and the control plane. */
  tenantSlug?: string;
  /** How dump files are written (tests simulate a full disk). */
  io?: DumpIo;
}

/** One recorded run's outcome, as `kona backup run` prints it. */
export interface LayerOutcome {
  layer: BackupLayer;
  kind: string | null;
  tenantSlug: string | null;
  status: 'ok' | 'failed';
  location?: string;
  bytes?: number;
  error?: string;
}

/** What a successful piece of work reports. */
export interface RunResult {
  location: string;
  bytes: number;
  details?: Record<string, unknown>;
}

/** Runs `work` as one recorded run; a failure is recorded with its message and returned, not thrown. */
export async function recordRun(
  ctx: BackupContext,
  run: { layer: BackupLayer; kind: string | null; tenantSlug: string | null },
  work: () => Promise<RunResult>,
): Promise<LayerOutcome> {
  const id = await startBackupRun(ctx.control.kysely, { ...run, startedAt: ctx.now() });
  try {
    const result = await work();
    await finishBackupRun(ctx.control.kysely, id, { status: 'ok', finishedAt: ctx.now(), ...result });
    return { ...run, status: 'ok', location: result.location, bytes: result.bytes };
  } catch (err) {
    const error = describeFailure(err);
    ctx.logger.error({ layer: run.layer, kind: run.kind, tenant: run.tenantSlug, err: error }, 'backup run failed');
    await finishBackupRun(ctx.control.kysely, id, { status: 'failed', finishedAt: ctx.now(), error });
    return { ...run, status: 'failed', error };
  }
}

/** A failure in words an operator can act on (a full disk says so). */
export function describeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || /No space left on device/i.test(e?.message ?? '')) return `the backup disk is full (${e.message})`;
  return e?.message ?? String(err);
}
