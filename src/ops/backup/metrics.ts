/**
 * Backup metrics for Prometheus (deploy/prometheus/backup-rules.yaml alerts on them):
 *   - the last good run of each layer (and drill) per tenant, from backup_runs, and whether its last
 *     finished run failed (with when), so a failed run alerts at once, not only once it is stale;
 *   - the server's WAL archiver (pg_stat_archiver) and its WAL position, so an archiver that is up
 *     but not receiving while writes go on is seen, not only one that fails;
 *   - pgBackRest's repositories (newest backup, archive position, status) and how far repo2 trails repo1;
 *   - restic's newest snapshot.
 * Each source is read at scrape time through a cache (pgbackrest and restic are processes), and a
 * source that cannot be read sets kona_backup_source_up{source} to 0 instead of failing the scrape.
 */
import { Gauge, Registry } from 'prom-client';
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import { repo2Lag, type StanzaInfo } from './pgbackrest.info.js';
import type { ResticSnapshot } from './restic.js';
import type { BackupRun } from './runs.js';

/** pg_stat_archiver and the WAL position, as read from the backed-up server. */
export interface ArchiverStats {
  archivedCount: number;
  failedCount: number;
  lastArchivedWal: string | null;
  lastArchivedAt: Date | null;
  lastFailedAt: Date | null;
  /** Bytes of WAL written since the cluster began (pg_current_wal_lsn() - '0/0'). */
  walPositionBytes: number;
}

/** Where the figures come from; a source left out is not reported. */
export interface BackupMetricSources {
  lastGoodRuns?: () => Promise<BackupRun[]>;
  /** Per layer, kind and rescue: the newest finished run and the newest failed one (runOutcomes). */
  runOutcomes?: () => Promise<{ latest: BackupRun[]; lastFailed: BackupRun[] }>;
  archiver?: () => Promise<ArchiverStats>;
  stanza?: () => Promise<StanzaInfo>;
  resticSnapshots?: () => Promise<ResticSnapshot[]>;
}

/** Options: how long a source's answer is reused, the clock, and how tenant labels are bounded. */
export interface BackupMetricOptions {
  cacheMs?: number;
  clock?: Clock;
  tenantLabel?: (slug: string) => string;
}

function cached<T>(read: () => Promise<T>, ttlMs: number, clock: Clock): () => Promise<T> {
  let at = -Infinity;
  let value: Promise<T> | undefined;
  return () => {
    if (!value || clock.now() - at >= ttlMs) {
      at = clock.now();
      value = read();
      value.catch(() => (at = -Infinity)); // a failure is retried at the next scrape
    }
    return value;
  };
}

const seconds = (d: Date | null | undefined) => (d ? d.getTime() / 1000 : 0);

/** A registry with the backup gauges, read from `sources` at each scrape. */
export function backupMetricsRegistry(sources: BackupMetricSources, options: BackupMetricOptions = {}): Registry {
  const registry = new Registry();
  const clock = options.clock ?? systemClock;
  const ttl = options.cacheMs ?? 60_000;
  const label = options.tenantLabel ?? ((s: string) => s);
  // Every gauge waits for the same refresh: prom-client reads all metrics of a scrape at once.
  let pending: Promise<void> | undefined;
  const refreshOnce = () => (pending ??= refresh().finally(() => (pending = undefined)));
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({
    name, help, labelNames, registers: [registry],
    async collect() {
      await refreshOnce();
    },
  });
  const up = gauge('kona_backup_source_up', 'Whether a backup metric source (runs, archiver, pgbackrest, restic) could be read at the last scrape', ['source']);

  const lastOk = gauge('kona_backup_last_success_timestamp_seconds', 'When the last good run of a layer (or drill kind) finished, per tenant ("" for whole-server runs)', ['layer', 'kind', 'tenant']);
  const lastBytes = gauge('kona_backup_last_success_bytes', 'Size of the last good run of a layer, per tenant', ['layer', 'kind', 'tenant']);
  const lastFailedAt = gauge('kona_backup_last_failure_timestamp_seconds', 'When the last failed run of a layer (or drill kind) finished, per tenant', ['layer', 'kind', 'tenant']);
  const lastRunFailed = gauge('kona_backup_last_run_failed', 'Whether the newest finished run of a layer (or drill kind) failed (1) or succeeded (0), per tenant', ['layer', 'kind', 'tenant']);
  const archived = gauge('kona_backup_wal_archived_count', 'WAL segments archived since the server\'s statistics were reset (pg_stat_archiver)');
  const failed = gauge('kona_backup_wal_archive_failed_count', 'Failed WAL archive attempts since the statistics were reset (pg_stat_archiver)');
  const lastArchivedAt = gauge('kona_backup_wal_last_archived_timestamp_seconds', 'When the last WAL segment was archived (0: never)');
  const walLastFailedAt = gauge('kona_backup_wal_last_failed_timestamp_seconds', 'When WAL archiving last failed (0: never)');
  const walPosition = gauge('kona_backup_wal_position_bytes', 'WAL written by the server, in bytes (its rate is the write rate)');
  const repoBackup = gauge('kona_backup_pgbackrest_last_backup_timestamp_seconds', 'When the newest base backup in a pgBackRest repository ended', ['stanza', 'repo']);
  const repoArchive = gauge('kona_backup_pgbackrest_archive_position', 'Position of the newest WAL segment in a pgBackRest repository\'s archive', ['stanza', 'repo']);
  const repoOk = gauge('kona_backup_pgbackrest_repo_ok', 'Whether pgBackRest reports a repository ok (1) or not (0)', ['stanza', 'repo']);
  const lagSeconds = gauge('kona_backup_pgbackrest_repo2_lag_seconds', 'How much older repo2\'s newest base backup is than repo1\'s', ['stanza']);
  const lagSegments = gauge('kona_backup_pgbackrest_repo2_lag_segments', 'WAL segments in repo1\'s archive not yet in repo2\'s', ['stanza']);
  // Only where the off-site copy is configured: an unset gauge still reads 0, which the stale-snapshot
  // alert would take for a copy 56 years old on every install without restic.
  const resticLast = sources.resticSnapshots && gauge('kona_backup_restic_last_snapshot_timestamp_seconds', 'When the newest restic snapshot was taken (0: none)');
  const resticCount = sources.resticSnapshots && gauge('kona_backup_restic_snapshots', 'Snapshots in the restic repository');

  const read = {
    runs: sources.lastGoodRuns && cached(sources.lastGoodRuns, Math.min(ttl, 15_000), clock),
    outcomes: sources.runOutcomes && cached(sources.runOutcomes, Math.min(ttl, 15_000), clock),
    archiver: sources.archiver && cached(sources.archiver, Math.min(ttl, 15_000), clock),
    pgbackrest: sources.stanza && cached(sources.stanza, ttl, clock),
    restic: sources.resticSnapshots && cached(sources.resticSnapshots, ttl, clock),
  };
  const report: { [K in keyof typeof read]: (value: Awaited<ReturnType<NonNullable<(typeof read)[K]>>>) => void } = {
    runs: (runs) => {
      lastOk.reset();
      lastBytes.reset();
      for (const r of runs) {
        const labels = { layer: r.layer, kind: r.kind ?? '', tenant: r.tenantSlug ? label(r.tenantSlug) : '' };
        lastOk.set(labels, seconds(r.finishedAt));
        if (r.bytes !== null) lastBytes.set(labels, r.bytes);
      }
    },
    outcomes: ({ latest, lastFailed }) => {
      lastFailedAt.reset();
      lastRunFailed.reset();
      const labelsOf = (r: BackupRun) => ({ layer: r.layer, kind: r.kind ?? '', tenant: r.tenantSlug ? label(r.tenantSlug) : '' });
      for (const r of latest) lastRunFailed.set(labelsOf(r), r.status === 'failed' ? 1 : 0);
      for (const r of lastFailed) lastFailedAt.set(labelsOf(r), seconds(r.finishedAt));
    },
    archiver: (a) => {
      archived.set(a.archivedCount);
      failed.set(a.failedCount);
      lastArchivedAt.set(seconds(a.lastArchivedAt));
      walLastFailedAt.set(seconds(a.lastFailedAt));
      walPosition.set(a.walPositionBytes);
    },
    pgbackrest: (info) => {
      for (const r of info.repos) {
        const labels = { stanza: info.stanza, repo: String(r.repo) };
        repoBackup.set(labels, seconds(r.newestBackupAt));
        repoArchive.set(labels, r.archiveMaxPosition ?? 0);
        repoOk.set(labels, r.ok ? 1 : 0);
      }
      const lag = repo2Lag(info);
      if (lag.backupSeconds !== null) lagSeconds.set({ stanza: info.stanza }, lag.backupSeconds);
      if (lag.archiveSegments !== null) lagSegments.set({ stanza: info.stanza }, lag.archiveSegments);
    },
    restic: (snapshots) => {
      resticLast?.set(seconds(snapshots.at(-1)?.time));
      resticCount?.set(snapshots.length);
    },
  };
  async function refresh(): Promise<void> {
    const names = (Object.keys(read) as (keyof typeof read)[]).filter((k) => read[k]);
    await Promise.all(names.map(async (name) => {
      try {
        (report[name] as (v: unknown) => void)(await read[name]!());
        up.set({ source: name }, 1);
      } catch {
        up.set({ source: name }, 0);
      }
    }));
  }
  return registry;
}
