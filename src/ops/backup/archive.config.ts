/**
 * Layers 1 and 3 read from Kona's configuration: the pgBackRest stanza (config file and repo1 under
 * the backup directory, repo2 from KONA_PGBACKREST_REPO2) and the restic repository with its password
 * file. A layer that is not configured says which setting turns it on.
 */
import path from 'node:path';
import type { Config } from '../../platform/config/config.js';
import { backupLayout } from './layout.js';
import type { PgBackRestSettings } from './pgbackrest.js';
import type { ResticSettings } from './restic.js';

/** A layer that is not configured, with the message that says how to turn it on. */
export class LayerNotConfigured extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerNotConfigured';
  }
}

/** The pgBackRest settings, or LayerNotConfigured without KONA_PGBACKREST_PG_PATH. */
export function pgBackRestSettingsFrom(config: Config): PgBackRestSettings {
  const s = config.settings;
  if (!s.KONA_PGBACKREST_PG_PATH) throw new LayerNotConfigured('The base layer (pgBackRest) needs KONA_PGBACKREST_PG_PATH: the data directory of the PostgreSQL server to archive.');
  const layout = backupLayout(config.backupDir);
  const root = path.dirname(layout.pgbackrestRepo1);
  if (s.KONA_PGBACKREST_REPO2 && path.resolve(s.KONA_PGBACKREST_REPO2).startsWith(`${path.resolve(config.backupDir)}${path.sep}`)) {
    throw new LayerNotConfigured(`KONA_PGBACKREST_REPO2 (${s.KONA_PGBACKREST_REPO2}) is inside KONA_BACKUP_DIR: repo2 must be independent of repo1 (another disk or host).`);
  }
  return {
    stanza: s.KONA_PGBACKREST_STANZA, configFile: path.join(root, 'pgbackrest.conf'), pgPath: s.KONA_PGBACKREST_PG_PATH, pgPort: s.KONA_PGBACKREST_PG_PORT,
    pgSocketPath: s.KONA_PGBACKREST_PG_SOCKET, pgUser: s.KONA_PGBACKREST_PG_USER, repo1Path: layout.pgbackrestRepo1, repo2Path: s.KONA_PGBACKREST_REPO2,
    retentionFull: s.KONA_PGBACKREST_RETENTION_FULL, retentionDiff: s.KONA_PGBACKREST_RETENTION_DIFF, workDir: path.join(root, 'work'),
  };
}

/** URL of the archived server, for PITR marks and pg_stat_archiver (or undefined). */
export function archivedServerUrl(config: Config): string | undefined {
  return config.settings.KONA_PGBACKREST_PG_URL ?? config.settings.KONA_TENANT_SERVER_URL;
}

/** The restic settings, or LayerNotConfigured without the repository and its password file. */
export function resticSettingsFrom(config: Config): ResticSettings {
  const s = config.settings;
  if (!s.KONA_RESTIC_REPOSITORY) throw new LayerNotConfigured('The restic layer needs KONA_RESTIC_REPOSITORY (where the off-site copy goes) and KONA_RESTIC_PASSWORD_FILE.');
  if (!s.KONA_RESTIC_PASSWORD_FILE) throw new LayerNotConfigured('KONA_RESTIC_REPOSITORY is set but KONA_RESTIC_PASSWORD_FILE is not: the password comes only from a file (a mounted secret).');
  return {
    repository: s.KONA_RESTIC_REPOSITORY, passwordFile: s.KONA_RESTIC_PASSWORD_FILE, cacheDir: path.join(config.backupDir, 'restic-cache'),
    keep: { daily: s.KONA_RESTIC_KEEP_DAILY, weekly: s.KONA_RESTIC_KEEP_WEEKLY, monthly: s.KONA_RESTIC_KEEP_MONTHLY },
  };
}
