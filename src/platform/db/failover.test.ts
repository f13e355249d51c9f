import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../test/harness/postgres.js';
import { eventually } from '../../../test/harness/prometheus.js';
import { openPostgres, type Database } from './driver.js';
import { isRead, transactionEffect } from './failover.js';

// A real server that is "demoted" (default_transaction_read_only, as a primary turned standby
// refuses writes) or whose backends are terminated (as a shutdown or a failover does). The pool
// holds one connection, so a reused connection would show as the same backend pid.

interface Notes {
  notes: { id: string };
}

let server: PostgresServer;
let admin: pg.Client;
let db: Database<Notes>;

async function backendPid(): Promise<number> {
  return (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.kysely)).rows[0]!.pid;
}

async function stored(id: string): Promise<boolean> {
  return (await admin.query('select 1 from notes where id = $1', [id])).rowCount === 1;
}

/** Waits until exactly one other backend waits on `waitEvent`, then terminates it. */
async function terminateWaiting(waitEvent: string): Promise<void> {
  const pid = await eventually(
    `a backend waiting on ${waitEvent}`,
    async () => {
      const res = await admin.query<{ pid: number }>('select pid from pg_stat_activity where wait_event = $1 and pid <> pg_backend_pid()', [waitEvent]);
      return res.rows.length === 1 ? res.rows[0]!.pid : undefined;
    },
    20_000,
    20,
  );
  await admin.query('select pg_terminate_backend($1)', [pid]);
}

/**
 * Holds an exclusive lock on notes from a connection of its own, so a write waits on it (admin must
 * stay out of a transaction: pg_stat_activity is a snapshot taken once per transaction).
 */
async function lockNotes(): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString: server.url });
  await locker.connect();
  await locker.query('begin');
  await locker.query('lock table notes in access exclusive mode');
  return locker;
}

async function setReadOnly(on: boolean): Promise<void> {
  await admin.query(`alter system set default_transaction_read_only = ${on ? 'on' : 'off'}`);
  await admin.query('select pg_reload_conf()');
  // The reload reaches each backend asynchronously (the postmaster passes the signal on): wait until
  // the pooled connection itself reads the new setting, so the write after this meets it.
  const want = on ? 'on' : 'off';
  await eventually(`the pooled connection to see default_transaction_read_only = ${want}`, async () => {
    const rows = (await sql<{ default_transaction_read_only: string }>`show default_transaction_read_only`.execute(db.kysely)).rows;
    return rows[0]?.default_transaction_read_only === want ? true : undefined;
  }, 10_000, 20);
}

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('create table notes (id text primary key)');
  db = openPostgres<Notes>(server.url, undefined, 1);
});

afterAll(async () => {
  await db?.close();
  await admin?.end();
  await server?.stop();
});

describe('a demoted primary (read-only)', () => {
  it('refuses a write with "switching, nothing saved" and the connection is not reused', async () => {
    const before = await backendPid();
    await setReadOnly(true);
    try {
      const outcome = await db.kysely.insertInto('notes').values({ id: 'demoted' }).execute().then(() => 'saved', (e: unknown) => e);
      expect(outcome).toMatchObject({ code: 'KONA_ERR_DB_SWITCHING', status: 503, message: expect.stringContaining('nothing was saved') });
      expect(await backendPid()).not.toBe(before);
      const inTransaction = await db.kysely
        .transaction()
        .execute((trx) => trx.insertInto('notes').values({ id: 'demoted-trx' }).execute())
        .then(() => 'saved', (e: unknown) => e);
      expect(inTransaction).toMatchObject({ code: 'KONA_ERR_DB_SWITCHING' });
    } finally {
      await setReadOnly(false);
    }
    expect(await stored('demoted')).toBe(false);
    expect(await stored('demoted-trx')).toBe(false);
  });
});

describe('a terminated connection (admin_shutdown)', () => {
  it('a read is retried once on a fresh connection and answers', async () => {
    const before = await backendPid();
    const read = sql<{ pid: number }>`select pg_backend_pid() as pid from pg_sleep(0.3)`.execute(db.kysely);
    await terminateWaiting('PgSleep');
    const { rows } = await read;
    expect(rows[0]!.pid).not.toBe(before);
  });

  it('a write inside a transaction ends in "switching, nothing saved" (not "connection closed"), and nothing is saved', async () => {
    const locker = await lockNotes();
    const outcome = db.kysely
      .transaction()
      .execute((trx) => trx.insertInto('notes').values({ id: 'cut-trx' }).execute())
      .then(() => 'saved', (e: unknown) => e);
    try {
      await terminateWaiting('relation');
    } finally {
      await locker.end();
    }
    expect(await outcome).toMatchObject({ code: 'KONA_ERR_DB_SWITCHING' });
    expect(await stored('cut-trx')).toBe(false);
    expect(await backendPid()).toBeGreaterThan(0);
  });

  it('a write committing on its own is unconfirmed: the client cannot know whether it committed', async () => {
    const locker = await lockNotes();
    const outcome = db.kysely.insertInto('notes').values({ id: 'cut-auto' }).execute().then(() => 'saved', (e: unknown) => e);
    try {
      await terminateWaiting('relation');
    } finally {
      await locker.end();
    }
    expect(await outcome).toMatchObject({ code: 'KONA_ERR_WRITE_UNCONFIRMED' });
  });

  it('other errors pass through unchanged', async () => {
    await db.kysely.insertInto('notes').values({ id: 'once' }).execute();
    await expect(db.kysely.insertInto('notes').values({ id: 'once' }).execute()).rejects.toMatchObject({ code: '23505' });
  });
});

describe('statement kinds', () => {
  it('retries only plain reads, and tracks whole transaction statements only', () => {
    expect(isRead('select * from notes')).toBe(true);
    expect(isRead('select * from notes for update')).toBe(false);
    expect(isRead('insert into notes values ($1)')).toBe(false);
    expect(isRead('with x as (delete from notes returning *) select * from x')).toBe(false);
    expect(transactionEffect('begin')).toBe(true);
    expect(transactionEffect('start transaction isolation level serializable')).toBe(true);
    expect(transactionEffect('commit')).toBe(false);
    expect(transactionEffect('rollback to savepoint "a"')).toBeUndefined();
    expect(transactionEffect('begin; insert into notes values (1); commit')).toBeUndefined();
  });
});

describe('a server that cannot be reached', () => {
  it('answers "switching, nothing saved" when no connection can be made (refused), never a raw socket error', async () => {
    // A port nothing listens on: what the pool meets while the address moves to a new primary.
    const probe = await import('node:net').then(({ createServer }) => new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
    }));
    const away = openPostgres<Notes>(`postgres://kona@127.0.0.1:${probe}/kona`, undefined, 1);
    try {
      await expect(away.kysely.insertInto('notes').values({ id: 'never' }).execute()).rejects.toMatchObject({ code: 'KONA_ERR_DB_SWITCHING', status: 503 });
      await expect(sql`select 1`.execute(away.kysely)).rejects.toMatchObject({ code: 'KONA_ERR_DB_SWITCHING' });
    } finally {
      await away.close();
    }
  });
});
