/**
 * For tests: a real PostgreSQL server started with archive_mode on and pgBackRest's archive_command,
 * a stanza with two repositories in a temporary directory, and the cleanup of both.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresServer } from '../../../test/harness/postgres.js';
import { archiveCommand, stanzaCreate, writePgBackRestConfig, type PgBackRestSettings } from './pgbackrest.js';

/** A server whose WAL pgBackRest archives, and the settings that reach it. */
export interface ArchivedServer {
  server: PostgresServer;
  settings: PgBackRestSettings;
  /** The temporary directory holding repositories and work files. */
  dir: string;
  stop(): Promise<void>;
}

/** Starts it all; the stanza is created and the first WAL has reached both repositories' archives. */
export async function startArchivedServer(): Promise<ArchivedServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-pgbr-'));
  const base = (): Omit<PgBackRestSettings, 'pgPath' | 'pgPort' | 'pgSocketPath'> => ({
    stanza: 'kona', configFile: path.join(dir, 'pgbackrest.conf'), pgUser: 'postgres',
    repo1Path: path.join(dir, 'backups', 'pgbackrest', 'repo1'), repo2Path: path.join(dir, 'repo2'),
    retentionFull: 2, workDir: path.join(dir, 'work'),
  });
  const server = await startPostgres({
    conf: { archive_mode: 'on', wal_level: 'replica', archive_command: archiveCommand({ ...base(), pgPath: '', pgPort: 0, pgSocketPath: '' }), archive_timeout: '0' },
  });
  const settings: PgBackRestSettings = { ...base(), pgPath: server.dataDir, pgPort: server.port, pgSocketPath: server.socketDir, runAs: server.runAs };
  writePgBackRestConfig(settings);
  if (server.runAs) execFileSync('chown', ['-R', `${server.runAs.uid}:${server.runAs.gid}`, dir]);
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await stanzaCreate(settings);
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, settings, dir, stop };
}
