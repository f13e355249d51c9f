/**
 * Reads the backed-up server's WAL archiver (pg_stat_archiver) and its WAL position, for the
 * metrics: archiving failures, the last archived segment, and whether WAL is being written while
 * nothing reaches the archive ("up but not receiving").
 */
import pg from 'pg';
import type { ArchiverStats } from './metrics.js';

/** pg_stat_archiver and pg_current_wal_lsn() of the server at `url`. */
export async function readArchiverStats(url: string): Promise<ArchiverStats> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const row = (await client.query(
      `select archived_count, failed_count, last_archived_wal, last_archived_time, last_failed_time,
              pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as position from pg_stat_archiver`,
    )).rows[0];
    return {
      archivedCount: Number(row.archived_count), failedCount: Number(row.failed_count), lastArchivedWal: row.last_archived_wal,
      lastArchivedAt: row.last_archived_time, lastFailedAt: row.last_failed_time, walPositionBytes: Number(row.position),
    };
  } finally {
    await client.end();
  }
}
