/**
 * The restic drill's hand-over to a database restore, until it calls the dump layer's
 * restoreTenantDump/verifyRestored (src/ops/drill/dump.ts, written beside this): pg_restore of the
 * dump's `*.dump` file (pg_dump -Fc) into a new, empty database on a PostgreSQL server, a check
 * that it holds tables, the caller's checks on it, and the database dropped again.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { lastLines, runToolOk } from '../backup/tool.js';
import { postgresBinDir } from './pg-server.js';
import type { DrillCheck } from './report.js';
import type { RestoreDump } from './restic.js';

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A RestoreDump that pg_restores into a throw-away database on `serverUrl` (a user allowed to CREATE DATABASE). */
export function restoreDumpWithPgRestore(serverUrl: string, checks: (databaseUrl: string, tenantSlug: string) => Promise<DrillCheck[]> = async () => []): RestoreDump {
  return async (slug, dumpDir) => {
    const file = readdirSync(dumpDir).find((f) => f.endsWith('.dump'));
    if (!file) return [{ name: `${slug}: restore the dump`, ok: false, detail: 'no .dump file in the folder' }];
    const name = `kona_drill_${randomBytes(5).toString('hex')}`;
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await admin(serverUrl, `create database ${name}`);
    try {
      await runToolOk(path.join(postgresBinDir(), 'pg_restore'), ['--no-owner', '--no-acl', '--exit-on-error', '-d', url.toString(), path.join(dumpDir, file)], {},
        (r) => `pg_restore failed: ${lastLines(r.stderr)}`);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const tables = Number((await client.query("select count(*) as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")).rows[0].n);
      await client.end();
      return [{ name: `${slug}: the dump restores into an empty database`, ok: tables > 0, detail: `${tables} tables` }, ...await checks(url.toString(), slug)];
    } catch (err) {
      return [{ name: `${slug}: the dump restores into an empty database`, ok: false, detail: (err as Error).message }];
    } finally {
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    }
  };
}
