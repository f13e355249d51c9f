import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { packageRoot } from '../runtime/paths.js';
import type { AnyDatabase } from './driver.js';

/** A migration file: its number, name, SQL text and checksum. */
export interface Migration {
  version: number;
  name: string;
  text: string;
  checksum: string;
}

/** The migration sets: the control plane, every tenant database, and the triage service's own database. */
export type MigrationSet = 'control' | 'tenant' | 'triage';

/** Raised when migrations cannot be applied safely; nothing is changed when it is thrown. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const fileName = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and checks a migration folder: numbered 0001, 0002, … with no gaps or duplicates. */
export function loadMigrations(dir: string): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file, index) => {
    const match = fileName.exec(file);
    if (!match) throw new MigrationError(`Migration file ${file} must be named NNNN_snake_case.sql`);
    const version = Number(match[1]);
    if (version !== index + 1) throw new MigrationError(`Migration ${file} is out of sequence: expected number ${index + 1}`);
    const text = readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    return { version, name: match[2]!, text, checksum: createHash('sha256').update(text).digest('hex') };
  });
}

/** The folder that holds a migration set. */
export function migrationsDir(set: MigrationSet): string {
  return path.join(packageRoot(), 'migrations', set);
}

const ledger = `create table if not exists kona_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
)`;

// Any fixed number: every Kona process migrating the same server database waits on it.
const advisoryLockKey = 4_815_162_342;

/** Applies pending migrations in order, each in its own transaction; refuses edited or missing ones. */
export async function migrate(db: AnyDatabase, migrations: Migration[]): Promise<{ applied: Migration[] }> {
  return db.exclusive(async (conn) => {
    if (db.kind === 'postgres') await sql`select pg_advisory_lock(${advisoryLockKey})`.execute(conn.kysely);
    try {
      await conn.script(ledger);
      const done = await sql<{ version: number; name: string; checksum: string }>`
        select version, name, checksum from kona_migrations order by version`.execute(conn.kysely);
      verifyApplied(done.rows, migrations);
      const pending = migrations.slice(done.rows.length);
      for (const m of pending) {
        // Version, name and checksum come from the checked file name and a hex digest: safe to inline.
        await conn.script(
          `begin;\n${m.text}\n;insert into kona_migrations (version, name, checksum) values (${m.version}, '${m.name}', '${m.checksum}');\ncommit;`,
        ).catch(async (err: unknown) => {
          await conn.script('rollback').catch(() => {});
          throw new MigrationError(`Migration ${String(m.version).padStart(4, "0")}_${m.name} failed and was rolled back: ${(err as Error).message}`);
        });
      }
      return { applied: pending };
    } finally {
      if (db.kind === 'postgres') await sql`select pg_advisory_unlock(${advisoryLockKey})`.execute(conn.kysely);
    }
  });
}

function verifyApplied(applied: { version: number; name: string; checksum: string }[], migrations: Migration[]): void {
  for (const row of applied) {
    const file = migrations[row.version - 1];
    if (!file) {
      throw new MigrationError(
        `Database has migration ${String(row.version).padStart(4, "0")}_${row.name} applied, but this Kona has no such file: it is older than the database. Upgrade Kona instead.`,
      );
    }
    if (file.checksum !== row.checksum || file.name !== row.name) {
      throw new MigrationError(
        `Migration ${String(row.version).padStart(4, "0")}_${row.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Migrations are forward-only: restore the file and add a new migration.`,
      );
    }
  }
}

/** Applies the named set from the package's migrations folder. */
export function migrateSet(db: AnyDatabase, set: MigrationSet): Promise<{ applied: Migration[] }> {
  return migrate(db, loadMigrations(migrationsDir(set)));
}
