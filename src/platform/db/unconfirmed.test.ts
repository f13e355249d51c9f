import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startStandby, type PostgresServer, type StandbyServer } from '../../../test/harness/postgres.js';
import { eventually } from '../../../test/harness/prometheus.js';
import { openPostgres, type Database } from './driver.js';
import { isSyncRepCancelNotice, isUnconfirmedWrite } from './unconfirmed.js';

// A real primary whose commits wait for a real streaming standby (synchronous_standby_names '*',
// synchronous_commit on); the standby is stopped after the first test so that every commit waits,
// and the test cancels or terminates the waiting backend as an operator, a failover or a shutdown would.

interface Notes {
  notes: { id: string };
  pairs: { id: string };
}

let primary: PostgresServer;
let standby: StandbyServer;
let admin: pg.Client;
let db: Database<Notes>;
let unconfirmedSeen = 0;

/** The backend of the one session waiting for its synchronous standby. */
function waitingBackend(): Promise<number> {
  return eventually('a commit waiting for the standby', async () => {
    const res = await admin.query<{ pid: number }>(`select pid from pg_stat_activity where wait_event = 'SyncRep'`);
    return res.rows.length === 1 ? res.rows[0]!.pid : undefined;
  }, 20_000, 20);
}

async function storedLocally(id: string): Promise<boolean> {
  return (await admin.query('select 1 from notes where id = $1', [id])).rowCount === 1;
}

/** Runs a write, interrupts its standby wait with `kill`, and returns what the write ended in. */
async function interrupted(write: () => Promise<unknown>, kill: 'pg_cancel_backend' | 'pg_terminate_backend'): Promise<unknown> {
  const outcome = write().then(() => 'reported saved', (err: unknown) => err);
  const pid = await waitingBackend();
  await admin.query(`select ${kill}($1)`, [pid]);
  return outcome;
}

beforeAll(async () => {
  primary = await startPostgres();
  standby = await startStandby(primary);
  admin = new pg.Client({ connectionString: primary.url });
  await admin.connect();
  await admin.query('create table notes (id text primary key)');
  await admin.query('create table pairs (id text unique deferrable initially deferred)');
  await admin.query(`alter system set synchronous_standby_names = '*'`);
  await admin.query('select pg_reload_conf()');
  await eventually('the standby to be synchronous', async () =>
    (await admin.query(`select 1 from pg_stat_replication where sync_state = 'sync'`)).rowCount === 1 ? true : undefined,
    20_000,
    20,
  );
  db = openPostgres<Notes>(primary.url, { onUnconfirmed: () => unconfirmedSeen++ }, 3);
});

afterAll(async () => {
  await db?.close();
  await admin?.end();
  await standby?.stop();
  await primary?.stop();
});

describe('writes on a primary with a synchronous standby', () => {
  it('a write the standby confirmed is saved', async () => {
    await db.kysely.insertInto('notes').values({ id: 'confirmed' }).execute();
    expect(await storedLocally('confirmed')).toBe(true);
    expect(unconfirmedSeen).toBe(0);
  });

  describe('with the standby down, so that every commit waits', () => {
    beforeAll(async () => {
      await standby.pause();
    });

    it('plain pg reports a cancelled wait as success (what the watch exists for)', async () => {
      const raw = new pg.Client({ connectionString: primary.url });
      await raw.connect();
      const notices: string[] = [];
      raw.on('notice', (n) => notices.push(n.message ?? ''));
      try {
        expect(await interrupted(() => raw.query(`insert into notes values ('raw')`), 'pg_cancel_backend')).toBe('reported saved');
        expect(notices.some((m) => isSyncRepCancelNotice({ message: m }))).toBe(true);
      } finally {
        await raw.end();
      }
    });

    it('a cancelled wait makes the insert unconfirmed, though the row is committed locally', async () => {
      const outcome = await interrupted(() => db.kysely.insertInto('notes').values({ id: 'cancelled' }).execute(), 'pg_cancel_backend');
      expect(isUnconfirmedWrite(outcome)).toBe(true);
      expect(outcome).toMatchObject({ status: 503, message: expect.stringContaining('may or may not be saved') });
      expect(await storedLocally('cancelled')).toBe(true);
      expect(unconfirmedSeen).toBe(1);
    });

    it('a terminated connection during the wait is unconfirmed too, and the pool does not reuse it', async () => {
      const outcome = await interrupted(() => db.kysely.insertInto('notes').values({ id: 'terminated' }).execute(), 'pg_terminate_backend');
      expect(outcome).toMatchObject({ code: 'KONA_ERR_WRITE_UNCONFIRMED' });
      expect(await storedLocally('terminated')).toBe(true);
      // Reads go on, on live connections only (every pooled one is tried in turn).
      for (let i = 0; i < 4; i++) expect((await sql<{ one: number }>`select 1 as one`.execute(db.kysely)).rows[0]?.one).toBe(1);
    });

    it('a transaction whose COMMIT wait is cancelled is unconfirmed, with all its rows committed locally', async () => {
      const outcome = await interrupted(
        () =>
          db.kysely.transaction().execute(async (trx) => {
            await trx.insertInto('notes').values({ id: 'trx-a' }).execute();
            await trx.insertInto('notes').values({ id: 'trx-b' }).execute();
          }),
        'pg_cancel_backend',
      );
      expect(outcome).toMatchObject({ code: 'KONA_ERR_WRITE_UNCONFIRMED' });
      expect((await storedLocally('trx-a')) && (await storedLocally('trx-b'))).toBe(true);
    });

    it('a transaction whose connection is terminated in the COMMIT wait is unconfirmed (not "connection closed")', async () => {
      const outcome = await interrupted(
        () => db.kysely.transaction().execute((trx) => trx.insertInto('notes').values({ id: 'trx-killed' }).execute()),
        'pg_terminate_backend',
      );
      expect(outcome).toMatchObject({ code: 'KONA_ERR_WRITE_UNCONFIRMED' });
      expect(await storedLocally('trx-killed')).toBe(true);
      expect(unconfirmedSeen).toBe(4);
    });

    it('a COMMIT the server refused is a plain failure, not unconfirmed', async () => {
      const outcome = await db.kysely
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('pairs').values({ id: 'twice' }).execute();
          await trx.insertInto('pairs').values({ id: 'twice' }).execute();
        })
        .then(() => 'reported saved', (err: unknown) => err);
      expect(outcome).toMatchObject({ code: '23505' });
      expect(isUnconfirmedWrite(outcome)).toBe(false);
      expect(unconfirmedSeen).toBe(4);
    });
  });
});

describe('isSyncRepCancelNotice', () => {
  it('knows the cancel and terminate warnings, and nothing else', () => {
    expect(isSyncRepCancelNotice({ message: 'canceling wait for synchronous replication due to user request' })).toBe(true);
    expect(
      isSyncRepCancelNotice({
        message: 'canceling the wait for synchronous replication and terminating connection due to administrator command',
      }),
    ).toBe(true);
    expect(isSyncRepCancelNotice({ message: 'x', detail: 'The transaction has already committed locally, but might not have been replicated to the standby.' })).toBe(true);
    expect(isSyncRepCancelNotice({ message: 'there is no transaction in progress' })).toBe(false);
  });
});
