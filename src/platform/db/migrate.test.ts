import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { vectorSupport } from './driver.js';
import { loadMigrations, migrate, migrateSet, MigrationError } from './migrate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function migrationFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-mig-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('loadMigrations', () => {
  it('refuses gaps and badly named files', () => {
    expect(() => loadMigrations(migrationFolder({ '0001_a.sql': 'select 1', '0003_c.sql': 'select 1' }))).toThrow(/out of sequence/);
    expect(() => loadMigrations(migrationFolder({ '1_a.sql': 'select 1' }))).toThrow(/NNNN_snake_case/);
  });
});

describe.each(engines)('migrations on %s', (engine) => {
  it('applies both sets, and again applies nothing', async () => {
    const control = await createTestDatabase(engine);
    const tenant = await createTestDatabase(engine);
    try {
      expect((await migrateSet(control, 'control')).applied.length).toBeGreaterThan(0);
      expect((await migrateSet(tenant, 'tenant')).applied.length).toBeGreaterThan(0);
      expect((await migrateSet(tenant, 'tenant')).applied).toEqual([]);
      const support = await vectorSupport(tenant);
      // PGlite bundles pgvector; the test server has it because .ci/run builds it where Debian packages none.
      expect(support).toMatchObject({ available: true, reason: expect.stringMatching(/^pgvector 0\.8\./) });
    } finally {
      await control.close();
      await tenant.close();
    }
  });

  it('refuses loudly when an applied migration was edited', async () => {
    const db = await createTestDatabase(engine);
    try {
      const dir = migrationFolder({ '0001_people.sql': 'create table people (id int);' });
      await migrate(db, loadMigrations(dir));
      writeFileSync(path.join(dir, '0001_people.sql'), 'create table people (id bigint);');
      writeFileSync(path.join(dir, '0002_more.sql'), 'create table more (id int);');
      await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(/0001_people was edited after it was applied/);
      // Nothing after the refused one ran.
      const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'more'`.execute(db.kysely);
      expect(tables.rows[0]?.n).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('rolls back a failing migration whole', async () => {
    const db = await createTestDatabase(engine);
    try {
      const dir = migrationFolder({ '0001_half.sql': 'create table half (id int);\nselect no_such_function();' });
      await expect(migrate(db, loadMigrations(dir))).rejects.toBeInstanceOf(MigrationError);
      const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'half'`.execute(db.kysely);
      expect(tables.rows[0]?.n).toBe(0);
      await db.kysely.selectNoFrom(sql<number>`1`.as('one')).execute(); // still usable afterwards
    } finally {
      await db.close();
    }
  });
});
