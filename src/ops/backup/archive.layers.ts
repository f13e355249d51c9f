/**
 * The run functions of layers 1 (base: pgBackRest) and 3 (restic) for the layer registry and
 * `kona backup run --layer base|restic`: each records itself in backup_runs (started, then ok with
 * what it wrote or failed with why) and applies its retention after a good run.
 */
import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Clock } from '../../platform/clock/clock.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { writeMark } from '../drill/pitr.marks.js';
import type { BackupLayout } from './layout.js';
import { baseBackup, checkArchive, expireBackups, stanzaCreate, writePgBackRestConfig, type BaseBackupType, type PgBackRestSettings } from './pgbackrest.js';
import { stanzaInfo } from './pgbackrest.info.js';
import { ensureResticRepository, resticBackup, resticCheck, resticForget, type ResticSettings } from './restic.js';
import { finishBackupRun, startBackupRun, type BackupLayer } from './runs.js';

/** What every layer run records into. */
export interface LayerDeps {
  control: Kysely<ControlSchema>;
  clock: Pick<Clock, 'now'>;
}

/** One layer run's outcome, as recorded. */
export interface LayerOutcome {
  runId: string;
  bytes: number | null;
  location: string;
  details: Record<string, unknown>;
}

async function recorded(deps: LayerDeps, layer: BackupLayer, kind: string, body: () => Promise<Omit<LayerOutcome, 'runId'>>): Promise<LayerOutcome> {
  const runId = await startBackupRun(deps.control, { layer, kind, startedAt: new Date(deps.clock.now()) });
  try {
    const outcome = await body();
    await finishBackupRun(deps.control, runId, { status: 'ok', finishedAt: new Date(deps.clock.now()), ...outcome });
    return { runId, ...outcome };
  } catch (err) {
    await finishBackupRun(deps.control, runId, { status: 'failed', finishedAt: new Date(deps.clock.now()), error: (err as Error).message });
    throw err;
  }
}

/** The job that writes a PITR mark on the archived server every five minutes. */
export const pitrMarkJob = 'backup.pitr-mark';

/** Writes one PITR mark (kona_pitr_marks) on the server at `url`. */
export async function writePitrMark(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await writeMark(client);
  } finally {
    await client.end();
  }
}

/**
 * Layer base: writes the pgBackRest configuration, creates the stanza (idempotent), writes a PITR
 * mark on the server, checks that WAL reaches every repository, takes a `type` backup into each,
 * and expires what is past retention.
 */
export async function runBaseLayer(deps: LayerDeps, settings: PgBackRestSettings, options: { type: BaseBackupType; serverUrl?: string }): Promise<LayerOutcome> {
  return recorded(deps, 'base', options.type, async () => {
    writePgBackRestConfig(settings);
    await stanzaCreate(settings);
    if (options.serverUrl) await writePitrMark(options.serverUrl);
    await checkArchive(settings);
    await baseBackup(settings, options.type);
    await expireBackups(settings);
    const info = await stanzaInfo(settings);
    const newest = info.repos.map((r) => r.backups.at(-1)).filter((b) => b !== undefined);
    return {
      bytes: newest.reduce((sum, b) => sum + b.repoBytes, 0),
      location: `pgbackrest/${settings.stanza}/${newest[0]?.label ?? ''}`,
      details: { repos: info.repos.map((r) => ({ repo: r.repo, backups: r.backups.length, newest: r.backups.at(-1)?.label ?? null })) },
    };
  });
}

/** Layer restic: pushes the dumps, control dumps, upload manifests and uploads as one snapshot, then forgets and prunes. */
export async function runResticLayer(deps: LayerDeps, settings: ResticSettings, sources: { layout: BackupLayout; uploadsDir: string }): Promise<LayerOutcome> {
  return recorded(deps, 'restic', 'copy', async () => {
    await ensureResticRepository(settings);
    const paths = [sources.layout.dumps, sources.layout.controlDumps, sources.layout.uploadManifests, sources.uploadsDir].filter((p) => existsSync(p));
    const result = await resticBackup(settings, paths, ['kona']);
    await resticForget(settings);
    return { bytes: result.bytesAdded, location: `restic:${result.snapshotId}`, details: { files: result.files, bytesProcessed: result.bytesProcessed, paths } };
  });
}

/** What `kona backup verify` calls for the restic layer: `restic check` (with readData, every pack read back). */
export async function verifyResticCopy(settings: ResticSettings, options: { readData?: boolean } = {}): Promise<{ ok: boolean; message: string }> {
  return resticCheck(settings, options).then(
    () => ({ ok: true, message: `restic check: no errors in ${settings.repository}` }),
    (err: Error) => ({ ok: false, message: err.message }),
  );
}
