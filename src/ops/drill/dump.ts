/**
 * Restoring a dump folder into a fresh place, and proving the result, for the dump drill and for
 * the drills that reuse them (restic, rebuild). A server dump is restored by pg_restore into a new
 * database; an embedded one is replayed by PGlite into a new directory. The dump's files are
 * re-hashed first (a corrupted dump restores nothing), an existing target is refused unless
 * `force`, and a restore that fails part-way is removed: nothing is ever left half-restored.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { vector } from '@electric-sql/pglite/vector';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { openPostgres } from '../../platform/db/driver.js';
import { dumpFileName } from '../backup/dump.js';
import { checkFiles, readDumpManifest, type DumpManifest } from '../backup/manifest.js';
import { connectionEnv, postgresTool, redactUrl, runTool } from '../backup/pg-tools.js';
import { compareTableStats, readTableStats, type TableStats } from '../backup/table-stats.js';

/** Where a restore goes: a new PGlite directory, or a new database (named by the URL) on a server. */
export type RestoreTarget = { kind: 'embedded'; dir: string } | { kind: 'postgres'; url: string };

/** A restore that must not go ahead (corrupted dump, existing target): nothing was changed. */
export class RestoreRefused extends Error {}

/** One named check of a restored database and what it found. */
export interface RestoreCheck {
  name: string;
  ok: boolean;
  detail: string;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

async function withMaintenance<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Restores the dump in `dumpDir` into `target` after re-hashing it against its manifest. Refuses a
 * corrupted dump, a dump of the other engine, and an existing target (unless `force`, which drops it).
 */
export async function restoreTenantDump(options: { dumpDir: string; target: RestoreTarget; force?: boolean }): Promise<{ manifest: DumpManifest; bytes: number }> {
  const { dumpDir, target } = options;
  const manifest = await readDumpManifest(dumpDir);
  const damaged = await checkFiles(dumpDir, manifest.files);
  if (damaged.length) throw new RestoreRefused(`The dump in ${dumpDir} does not match its manifest, so nothing was restored: ${damaged.join('; ')}`);
  if (manifest.engine !== target.kind) {
    throw new RestoreRefused(`The dump in ${dumpDir} was taken from ${manifest.engine === 'embedded' ? 'an embedded (PGlite)' : 'a PostgreSQL server'} database; restore it into the same kind.`);
  }
  const file = path.join(dumpDir, dumpFileName[manifest.engine]);
  const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
  if (target.kind === 'embedded') await restoreEmbedded(file, target.dir, options.force ?? false);
  else await restoreServer(file, target.url, options.force ?? false);
  return { manifest, bytes };
}

async function restoreEmbedded(file: string, dir: string, force: boolean): Promise<void> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!force) throw new RestoreRefused(`${dir} already holds a database; restoring over it needs --force.`);
    await rm(dir, { recursive: true, force: true });
  }
  const partial = `${dir}.restoring`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    const db = await PGlite.create({ dataDir: partial, extensions: { vector } });
    try {
      await db.exec(await readFile(file, 'utf8'));
    } finally {
      await db.close();
    }
    await rename(partial, dir);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`Restoring ${file} failed and was rolled back: ${(err as Error).message}`, { cause: err });
  }
}

async function restoreServer(file: string, url: string, force: boolean): Promise<void> {
  const name = databaseName(url);
  await withMaintenance(url, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) {
      if (!force) throw new RestoreRefused(`The database ${name} already exists on ${redactUrl(maintenanceUrl(url))}; restoring over it needs --force.`);
      await client.query(`drop database ${quoted(name)} with (force)`);
    }
    await client.query(`create database ${quoted(name)} template template0`);
  });
  try {
    await runTool(postgresTool('pg_restore'), ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '-d', name, file], connectionEnv(url));
  } catch (err) {
    await withMaintenance(url, (client) => client.query(`drop database if exists ${quoted(name)} with (force)`)).catch(() => {});
    throw new Error(`pg_restore into ${name} failed; the new database was dropped: ${(err as Error).message}`, { cause: err });
  }
}

/** Removes a restored target (after a passing drill). */
export async function removeRestored(target: RestoreTarget): Promise<void> {
  if (target.kind === 'embedded') await rm(target.dir, { recursive: true, force: true });
  else await withMaintenance(target.url, (client) => client.query(`drop database if exists ${quoted(databaseName(target.url))} with (force)`));
}

/**
 * Proves a restored database against the dump's manifest: per-table row counts and content
 * checksums, sequence values, and an integrity check (pg_amcheck on a server; amcheck's heap and
 * B-tree checks inside PGlite).
 */
export async function verifyRestored(options: { target: RestoreTarget; manifest: DumpManifest }): Promise<RestoreCheck[]> {
  const { target, manifest } = options;
  if (target.kind === 'postgres') {
    const db = openPostgres<unknown>(target.url);
    try {
      const checks = compareChecks(manifest, await db.exclusive((conn) => readTableStats(conn.kysely as Kysely<unknown>)));
      return [...checks, await serverAmcheck(target.url)];
    } finally {
      await db.close();
    }
  }
  // One PGlite instance for both (opening one costs seconds), with amcheck loaded.
  const pglite = await PGlite.create({ dataDir: target.dir, extensions: { vector, amcheck } });
  const kysely = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  try {
    const checks = compareChecks(manifest, await readTableStats(kysely));
    return [...checks, await embeddedAmcheck(pglite)];
  } finally {
    await kysely.destroy();
  }
}

function compareChecks(manifest: DumpManifest, stats: TableStats): RestoreCheck[] {
  const problems = compareTableStats({ tables: manifest.tables, sequences: manifest.sequences }, stats);
  const tableProblems = problems.filter((p) => p.startsWith('table'));
  const sequenceProblems = problems.filter((p) => p.startsWith('sequence'));
  const rows = Object.values(stats.tables).reduce((n, t) => n + t.rows, 0);
  return [
    { name: 'tables', ok: tableProblems.length === 0, detail: tableProblems.join('; ') || `${Object.keys(stats.tables).length} tables, ${rows} rows: counts and checksums match the manifest` },
    { name: 'sequences', ok: sequenceProblems.length === 0, detail: sequenceProblems.join('; ') || `${Object.keys(stats.sequences).length} sequences at or past their recorded values` },
  ];
}

async function serverAmcheck(url: string): Promise<RestoreCheck> {
  try {
    await runTool(postgresTool('pg_amcheck'), ['--install-missing', '--heapallindexed', '-d', databaseName(url)], connectionEnv(url));
    return { name: 'amcheck', ok: true, detail: 'pg_amcheck found no corruption (heap and B-tree indexes)' };
  } catch (err) {
    return { name: 'amcheck', ok: false, detail: (err as Error).message };
  }
}

async function embeddedAmcheck(db: PGlite): Promise<RestoreCheck> {
  try {
    await db.exec('create extension if not exists amcheck');
    const heap = await db.query<{ n: number }>(`
      select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace,
      lateral verify_heapam(c.oid) where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')`);
    const idx = await db.query<{ n: number }>(`
      select count(bt_index_check(c.oid, true))::int as n from pg_index i join pg_class c on c.oid = i.indexrelid
      join pg_am a on a.oid = c.relam join pg_namespace n on n.oid = c.relnamespace
      where a.amname = 'btree' and n.nspname not in ('pg_catalog', 'information_schema')`);
    await db.exec('drop extension amcheck');
    const corrupt = heap.rows[0]!.n;
    return { name: 'amcheck', ok: corrupt === 0, detail: corrupt ? `verify_heapam reported ${corrupt} problems` : `amcheck found no corruption (heap, ${idx.rows[0]!.n} B-tree indexes)` };
  } catch (err) {
    return { name: 'amcheck', ok: false, detail: (err as Error).message };
  }
}

/** Row count helper for reports: the rows the manifest recorded. */
export function manifestRows(manifest: DumpManifest): number {
  return Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
}
