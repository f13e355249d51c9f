/**
 * `kona backup run --layer base`, `kona backup archive-command` and `kona drill restore pitr`:
 * layer 1 (pgBackRest) and its drill, run on the database server's host. Each opens the control
 * plane only to record runs (under the data directory's lock on the embedded default) and prints
 * what it did; a failure is a clear message and exit 1. The restic layer and its drill go through
 * the admin channel like the dumps (backup-commands.ts), so they work while `kona serve` runs.
 */
import path from 'node:path';
import { systemClock } from '../platform/clock/clock.js';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/driver.js';
import { migrateSet } from '../platform/db/migrate.js';
import type { ControlSchema } from '../platform/db/schema.js';
import { acquireLock } from '../platform/runtime/lock.js';
import { archivedServerUrl, pgBackRestSettingsFrom } from '../ops/backup/archive.config.js';
import { runBaseLayer } from '../ops/backup/archive.layers.js';
import { backupLayout } from '../ops/backup/layout.js';
import { archiveCommand, writePgBackRestConfig, type BaseBackupType } from '../ops/backup/pgbackrest.js';
import { drillPitr } from '../ops/drill/pitr.js';
import { recordDrill, type DrillReport } from '../ops/drill/report.js';
import { openControl } from './runtime.js';

/** A command's failure: its message is printed as is, and the exit status is 1. */
export class ArchiveCommandError extends Error {}

async function withControl<T>(config: Config, body: (control: Database<ControlSchema>) => Promise<T>): Promise<T> {
  const lock = config.embeddedControlPlane ? acquireLock(config.dataDir, { role: 'cli' }) : { release: () => {} };
  if ('heldBy' in lock) throw new ArchiveCommandError(`Another kona process (pid ${lock.heldBy.pid}, ${lock.heldBy.role}) holds ${config.dataDir}; run backups from the job system or stop it first.`);
  try {
    const control = await openControl(config);
    try {
      await migrateSet(control, 'control');
      return await body(control);
    } finally {
      await control.close();
    }
  } finally {
    lock.release();
  }
}

/** `kona backup run --layer base`: one pgBackRest backup into each repository, recorded in the backup history. */
export async function backupRunBaseLayer(config: Config, type: BaseBackupType): Promise<unknown> {
  // Settings first: an unconfigured layer is refused before anything is opened.
  const base = pgBackRestSettingsFrom(config);
  return withControl(config, (control) => runBaseLayer({ control: control.kysely, clock: systemClock }, base, { type, serverUrl: archivedServerUrl(config) }));
}

/** `kona backup archive-command`: writes pgbackrest.conf and returns what to set on the server. */
export function backupArchiveCommand(config: Config): { configFile: string; settings: Record<string, string> } {
  const settings = pgBackRestSettingsFrom(config);
  writePgBackRestConfig(settings);
  return { configFile: settings.configFile, settings: { archive_mode: 'on', wal_level: 'replica', archive_command: archiveCommand(settings) } };
}

/** Parses --target: an ISO 8601 time with a zone (e.g. 2026-12-07T16:05:00Z). */
export function parseTarget(text: string): Date {
  const at = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text.trim()) ? new Date(text.trim()) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new ArchiveCommandError(`--target must be a time with its zone, e.g. 2026-12-07T16:05:00Z (got "${text}")`);
  return at;
}

/** `kona drill restore pitr`: runs the drill, writes its report and records it; throws when it did not pass. */
export async function drillRestorePitr(config: Config, options: { target?: string }): Promise<DrillReport> {
  const layout = backupLayout(config.backupDir);
  const workDir = path.join(config.backupDir, 'restore-work');
  const target = parseTarget(options.target ?? '');
  const pgbackrest = pgBackRestSettingsFrom(config);
  const { report, file } = await withControl(config, (control) => recordDrill({ control: control.kysely, layout, clock: systemClock }, 'pitr', () => {
    const sourceUrl = archivedServerUrl(config);
    if (!sourceUrl) throw new ArchiveCommandError('The PITR drill compares with the live server: set KONA_PGBACKREST_PG_URL (or KONA_TENANT_SERVER_URL).');
    return drillPitr({ pgbackrest, target, sourceUrl, workDir });
  }).catch((err: Error) => {
    throw new ArchiveCommandError(`The pitr drill failed: ${err.message}`);
  }));
  if (report.verdict !== 'pass') throw new ArchiveCommandError(`The pitr drill failed: ${report.error ?? 'a check did not pass'} (report: ${file})`);
  return { ...report, file } as DrillReport;
}
