/**
 * `kona backup run --layer base|restic`, `kona backup archive-command`, `kona backup verify`
 * (restic check) and `kona drill restore pitr|restic`: layers 1 and 3 and their drills, driven from
 * the command line. Each opens the control plane only to record runs (under the data directory's
 * lock on the embedded default) and prints what it did; a failure is a clear message and exit 1.
 */
import path from 'node:path';
import { systemClock } from '../platform/clock/clock.js';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/driver.js';
import { migrateSet } from '../platform/db/migrate.js';
import type { ControlSchema } from '../platform/db/schema.js';
import { acquireLock } from '../platform/runtime/lock.js';
import { archivedServerUrl, pgBackRestSettingsFrom, resticSettingsFrom } from '../ops/backup/archive.config.js';
import { runBaseLayer, runResticLayer, verifyResticCopy } from '../ops/backup/archive.layers.js';
import { backupLayout } from '../ops/backup/layout.js';
import { archiveCommand, writePgBackRestConfig, type BaseBackupType } from '../ops/backup/pgbackrest.js';
import { drillPitr } from '../ops/drill/pitr.js';
import { recordDrill, type DrillReport } from '../ops/drill/report.js';
import { drillRestic } from '../ops/drill/restic.js';
import { restoreDumpWithPgRestore } from '../ops/drill/restic.dump.js';
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

/** `kona backup run --layer base|restic`: one run of the layer, recorded in the backup history. */
export async function backupRunArchiveLayer(config: Config, layer: 'base' | 'restic', type: BaseBackupType): Promise<unknown> {
  // Settings first: an unconfigured layer is refused before anything is opened.
  const base = layer === 'base' ? pgBackRestSettingsFrom(config) : undefined;
  const copy = layer === 'restic' ? resticSettingsFrom(config) : undefined;
  return withControl(config, async (control) => {
    const deps = { control: control.kysely, clock: systemClock };
    if (base) return runBaseLayer(deps, base, { type, serverUrl: archivedServerUrl(config) });
    return runResticLayer(deps, copy!, { layout: backupLayout(config.backupDir), uploadsDir: config.uploadsDir });
  });
}

/** `kona backup archive-command`: writes pgbackrest.conf and returns what to set on the server. */
export function backupArchiveCommand(config: Config): { configFile: string; settings: Record<string, string> } {
  const settings = pgBackRestSettingsFrom(config);
  writePgBackRestConfig(settings);
  return { configFile: settings.configFile, settings: { archive_mode: 'on', wal_level: 'replica', archive_command: archiveCommand(settings) } };
}

/** `kona backup verify` (the restic part): restic check, with --read-data when asked. */
export async function backupVerifyRestic(config: Config, readData: boolean): Promise<{ ok: boolean; message: string }> {
  return verifyResticCopy(resticSettingsFrom(config), { readData });
}

/** Parses --target: an ISO 8601 time with a zone (e.g. 2026-12-07T16:05:00Z). */
export function parseTarget(text: string): Date {
  const at = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text.trim()) ? new Date(text.trim()) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new ArchiveCommandError(`--target must be a time with its zone, e.g. 2026-12-07T16:05:00Z (got "${text}")`);
  return at;
}

/** `kona drill restore pitr|restic`: runs the drill, writes its report and records it; throws when it did not pass. */
export async function drillRestoreArchive(config: Config, kind: 'pitr' | 'restic', options: { target?: string; snapshot?: string }): Promise<DrillReport> {
  const layout = backupLayout(config.backupDir);
  const workDir = path.join(config.backupDir, 'restore-work');
  const target = kind === 'pitr' ? parseTarget(options.target ?? '') : undefined;
  const settings = kind === 'pitr' ? { pgbackrest: pgBackRestSettingsFrom(config) } : { restic: resticSettingsFrom(config) };
  const { report, file } = await withControl(config, (control) => recordDrill({ control: control.kysely, layout, clock: systemClock }, kind, () => {
    if (kind === 'pitr') {
      const sourceUrl = archivedServerUrl(config);
      if (!sourceUrl) throw new ArchiveCommandError('The PITR drill compares with the live server: set KONA_PGBACKREST_PG_URL (or KONA_TENANT_SERVER_URL).');
      return drillPitr({ pgbackrest: settings.pgbackrest!, target: target!, sourceUrl, workDir });
    }
    const serverUrl = config.settings.KONA_TENANT_SERVER_URL;
    if (!serverUrl) throw new ArchiveCommandError('The restic drill restores each dump into an empty database on KONA_TENANT_SERVER_URL; set it.');
    // Until the dump layer's restoreTenantDump is connected, dumps are restored with pg_restore here.
    return drillRestic({ restic: settings.restic!, backupDir: config.backupDir, workDir, snapshot: options.snapshot, restoreDump: restoreDumpWithPgRestore(serverUrl) });
  }).catch((err: Error) => {
    throw new ArchiveCommandError(`The ${kind} drill failed: ${err.message}`);
  }));
  if (report.verdict !== 'pass') throw new ArchiveCommandError(`The ${kind} drill failed: ${report.error ?? 'a check did not pass'} (report: ${file})`);
  return { ...report, file } as DrillReport;
}
