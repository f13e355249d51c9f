import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openEmbedded, openPostgres, type Database } from '../../src/platform/db/driver.js';

/** The engines every integration test runs against. */
export const engines = ['embedded', 'postgres'] as const;
/** One of {@link engines}. */
export type Engine = (typeof engines)[number];

/** Creates an empty database on the test PostgreSQL server and returns its URL and a dropper. */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = inject('pgUrl');
  const name = `kona_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A fresh, empty database of the given engine; closing it also drops it. */
export async function createTestDatabase<S>(engine: Engine): Promise<Database<S>> {
  if (engine === 'embedded') return openEmbedded<S>(null);
  const { url, drop } = await createServerDatabase();
  const db = openPostgres<S>(url);
  return { ...db, close: async () => { await db.close(); await drop(); } };
}
