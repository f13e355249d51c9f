/**
 * Layer 2, the logical dump of one database (a rescue's or the control plane's) into a folder with
 * its manifest.json. A server database: `pg_dump -Fc` on a snapshot exported by a repeatable-read
 * transaction in which the figures are read too. An embedded (PGlite) one: PGlite's own pg_dump
 * (WASM) on the running process's connection, held exclusively, so nothing writes between the
 * figures and the dump. The folder is written as `<dir>.partial` and renamed when complete: a
 * failed dump (a full disk) leaves nothing that looks like a backup.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { sql, type Kysely } from 'kysely';
import type { AnyDatabase } from '../../platform/db/driver.js';
import { describeFiles, type DumpManifest } from './manifest.js';
import { connectionEnv, postgresTool, runTool } from './pg-tools.js';
import { readTableStats, type TableStats } from './table-stats.js';

/** How dump files are written; tests swap it to simulate a full disk. */
export interface DumpIo {
  writeFile(file: string, data: string): Promise<void>;
}

const fsIo: DumpIo = { writeFile: (file, data) => writeFile(file, data, { mode: 0o600 }) };

/** The file name of each engine's dump inside the folder. */
export const dumpFileName = { embedded: 'dump.sql', postgres: 'dump.pgdump' } as const;

/** What to dump and where. `url` is the server database's URL (absent for embedded). */
export interface DumpRequest {
  db: AnyDatabase;
  url?: string;
  kind: 'tenant' | 'control';
  tenant: string | null;
  dir: string;
  at: Date;
  io?: DumpIo;
}

/** Dumps one database into `dir` (which must not exist yet); returns its manifest and bytes written. */
export async function dumpDatabase(req: DumpRequest): Promise<{ manifest: DumpManifest; bytes: number }> {
  if (existsSync(req.dir)) throw new Error(`${req.dir} already exists: a dump with this stamp was taken; nothing was overwritten`);
  const partial = `${req.dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true, mode: 0o700 });
  try {
    const io = req.io ?? fsIo;
    const engine = req.db.kind;
    const file = path.join(partial, dumpFileName[engine]);
    const taken = engine === 'embedded' ? await dumpEmbedded(req.db, file, io) : await dumpServer(req.db, req.url!, file);
    const manifest: DumpManifest = {
      format: 1, kind: req.kind, tenant: req.tenant, engine, createdAt: req.at.toISOString(), serverVersion: taken.serverVersion,
      files: await describeFiles(partial, [dumpFileName[engine]]), tables: taken.stats.tables, sequences: taken.stats.sequences,
    };
    await io.writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(partial, req.dir);
    return { manifest, bytes: manifest.files.reduce((n, f) => n + f.size, 0) };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

async function serverVersion(db: Kysely<unknown>): Promise<string> {
  const r = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
  return r.rows[0]!.v;
}

async function dumpEmbedded(db: AnyDatabase, file: string, io: DumpIo): Promise<{ stats: TableStats; serverVersion: string }> {
  // Held exclusively: no other query of this process runs until the dump is done, so the figures
  // and the dump see the same rows. PGlite's pg_dump drives the connection synchronously.
  const taken = await db.exclusive(async (conn) => {
    if (!conn.pglite) throw new Error('an embedded database without its PGlite engine');
    const stats = await readTableStats(conn.kysely as Kysely<unknown>);
    const version = await serverVersion(conn.kysely as Kysely<unknown>);
    const searchPath = (await conn.pglite.query<{ search_path: string }>('show search_path')).rows[0]!.search_path;
    try {
      const dump = await pgDump({ pg: conn.pglite, args: ['--no-owner', '--no-privileges'] });
      return { stats, serverVersion: version, text: await dump.text() };
    } finally {
      // pg_dump (0.2.21) leaves its read-only transaction open on the shared connection and empties
      // search_path before it: end the one and restore the other, or the process's later queries fail.
      await conn.pglite.exec('rollback');
      await conn.pglite.query(`select set_config('search_path', $1, false)`, [searchPath]);
    }
  });
  await io.writeFile(file, taken.text);
  return { stats: taken.stats, serverVersion: taken.serverVersion };
}

async function dumpServer(db: AnyDatabase, url: string, file: string): Promise<{ stats: TableStats; serverVersion: string }> {
  return db.exclusive(async (conn) => {
    const k = conn.kysely as Kysely<unknown>;
    await sql`begin isolation level repeatable read read only`.execute(k);
    try {
      // pg_dump runs on the snapshot this transaction exported: the same rows the figures count.
      const snapshot = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(k);
      const stats = await readTableStats(k);
      const version = await serverVersion(k);
      await runTool(postgresTool('pg_dump'), ['-Fc', '--no-owner', '--no-privileges', `--snapshot=${snapshot.rows[0]!.id}`, '-f', file], connectionEnv(url));
      return { stats, serverVersion: version };
    } finally {
      await sql`commit`.execute(k);
    }
  });
}
