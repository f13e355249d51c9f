/**
 * The PITR part of bench:backup: a PostgreSQL server started from the system binaries with
 * pgBackRest archiving its WAL into two repositories (as the drill tests start it), the bench
 * rescue's dump loaded into it, a full base backup timed, then PITR marks around a recorded target
 * and `drillPitr` timed (its RTO) with the precision: the last mark present against the target.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { runBaseLayer } from '../src/ops/backup/archive.layers.js';
import { backupLayout } from '../src/ops/backup/layout.js';
import { checkArchive } from '../src/ops/backup/pgbackrest.js';
import { startArchivedServer } from '../src/ops/backup/pgbackrest.testing.js';
import { drillPitr } from '../src/ops/drill/pitr.js';
import { writeMark } from '../src/ops/drill/pitr.marks.js';
import { recordDrill } from '../src/ops/drill/report.js';
import { systemClock } from '../src/platform/clock/clock.js';
import type { ControlSchema } from '../src/platform/db/schema.js';
import { findPostgresBin } from '../test/harness/postgres.js';

/** The base layer's figures and the PITR drill's. */
export interface PitrBench {
  base: { seconds: number; bytes: number | null; dogsLoaded: number };
  drill: { verdict: string; rtoSeconds: number; target: string; lastMarkPresent: unknown; precisionMs: unknown; timeline: unknown; failed: string[] };
}

const run = promisify(execFile);

/** Loads `dumpSql` (the embedded dump) into a new database on a fresh archived server, then measures. */
export async function benchPitr(control: Kysely<ControlSchema>, dumpSql: string, workDir: string): Promise<PitrBench> {
  const archived = await startArchivedServer();
  try {
    const admin = new pg.Client({ connectionString: archived.server.url });
    await admin.connect();
    await admin.query('create database bench');
    await admin.end();
    const url = archived.server.url.replace(/\/postgres(\?|$)/, '/bench$1');
    // PGlite's dump is PostgreSQL 17's: a setting or extension the server lacks fails alone, the data loads.
    await run(path.join(findPostgresBin()!, 'psql'), ['-q', '-X', '-d', url, '-f', dumpSql], { maxBuffer: 64 * 1024 * 1024 }).catch((err: { stderr?: string }) => ({ stderr: err.stderr }));
    const loaded = new pg.Client({ connectionString: url });
    await loaded.connect();
    const dogsLoaded = Number((await loaded.query('select count(*) as n from dogs').finally(() => loaded.end())).rows[0].n);
    // The marks live in the maintenance database, where the drill reads them on both sides.
    const client = new pg.Client({ connectionString: archived.server.url });
    await client.connect();
    try {
      const started = performance.now();
      const base = await runBaseLayer({ control, clock: systemClock }, archived.settings, { type: 'full', serverUrl: archived.server.url });
      const baseSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
      await writeMark(client);
      const justBefore = await writeMark(client);
      const target = new Date(justBefore.committedBy.getTime() + 1);
      while ((await client.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now <= target);
      await writeMark(client);
      await writeMark(client);
      await checkArchive(archived.settings);
      const { report } = await recordDrill({ control, layout: backupLayout(path.join(workDir, 'backups')), clock: systemClock }, 'pitr', () => drillPitr({
        pgbackrest: archived.settings, target, sourceUrl: archived.server.url, workDir: path.join(archived.dir, 'drill-work'),
      }));
      return {
        base: { seconds: baseSeconds, bytes: base.bytes, dogsLoaded },
        drill: {
          verdict: report.verdict, rtoSeconds: report.rtoSeconds, target: target.toISOString(), lastMarkPresent: report.lastMarkPresent, precisionMs: report.precisionMs,
          timeline: report.timeline, failed: report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
        },
      };
    } finally {
      await client.end();
    }
  } finally {
    await archived.stop();
  }
}
