/**
 * Which backup metric sources a Kona process reports (src/ops/backup/metrics.ts): the backup history
 * (last good runs, and whether each layer's last run failed) always; the archived server's
 * pg_stat_archiver and `pgbackrest info` when layer 1 is configured; `restic snapshots` when layer 3 is. A source that cannot be read shows as kona_backup_source_up 0.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/driver.js';
import type { ControlSchema } from '../platform/db/schema.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { archivedServerUrl, pgBackRestSettingsFrom, resticSettingsFrom } from '../ops/backup/archive.config.js';
import { readArchiverStats } from '../ops/backup/archiver.js';
import { backupMetricsRegistry, type BackupMetricSources } from '../ops/backup/metrics.js';
import { stanzaInfo } from '../ops/backup/pgbackrest.info.js';
import { resticSnapshots } from '../ops/backup/restic.js';
import { lastGoodRuns, runOutcomes } from '../ops/backup/runs.js';

/** The backup metrics registry for this configuration. */
export function backupMetrics(config: Config, control: Database<ControlSchema>, metrics: Metrics): Registry {
  const s = config.settings;
  const sources: BackupMetricSources = { lastGoodRuns: () => lastGoodRuns(control.kysely), runOutcomes: () => runOutcomes(control.kysely) };
  if (s.KONA_PGBACKREST_PG_PATH) {
    let settings: ReturnType<typeof pgBackRestSettingsFrom> | Error;
    try {
      settings = pgBackRestSettingsFrom(config);
    } catch (err) {
      settings = err as Error; // a misconfigured layer must not stop Kona: its source reports down
    }
    const known = settings;
    sources.stanza = () => (known instanceof Error ? Promise.reject(known) : stanzaInfo(known));
    const url = archivedServerUrl(config);
    if (url) sources.archiver = () => readArchiverStats(url);
  }
  if (s.KONA_RESTIC_REPOSITORY && s.KONA_RESTIC_PASSWORD_FILE) {
    const settings = resticSettingsFrom(config);
    sources.resticSnapshots = () => resticSnapshots(settings);
  }
  return backupMetricsRegistry(sources, { tenantLabel: (slug) => metrics.tenantLabel(slug) });
}
