/**
 * Writes whose durability PostgreSQL could not confirm.
 *
 * With synchronous replication a COMMIT waits for the standby. When that wait is cancelled
 * (pg_cancel_backend, pg_terminate_backend, a fast shutdown) the server has already committed
 * locally, yet the client gets success plus only a WARNING notice ("canceling wait for
 * synchronous replication"). If that primary is then lost, the row goes with it. Kona must never
 * call such a write saved, so the pool Kysely sees wraps each pg client: a statement during which
 * that notice arrived, or a COMMIT whose answer never came, ends in KONA_ERR_WRITE_UNCONFIRMED.
 *
 * Why a pool adapter (Kysely's PostgresPool interface) rather than a Client subclass or a Dialect:
 * it is the one seam where the pg client (which emits notices) and each statement meet, it needs
 * no override of pg's many `query` overloads, and Kysely's own driver stays untouched.
 */
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { KonaError } from '../errors/errors.js';

/** What the person is told: the change may or may not be saved, so look before repeating it. */
export const unconfirmedWriteMessage =
  'The database could not confirm that this change was saved safely: it may or may not be saved. ' +
  'Check whether it is there before you repeat it.';

/** The error a write ends in when its commit could not be confirmed. */
export function unconfirmedWrite(): KonaError {
  return new KonaError('KONA_ERR_WRITE_UNCONFIRMED', unconfirmedWriteMessage);
}

/** Whether an error says a write's outcome is unknown (it may or may not be saved). */
export function isUnconfirmedWrite(err: unknown): err is KonaError {
  return err instanceof KonaError && err.code === 'KONA_ERR_WRITE_UNCONFIRMED';
}

/**
 * Whether a notice is PostgreSQL giving up the synchronous-replication wait of a commit that is
 * already local. Matched on the message and the detail, both in the server's English (`lc_messages`
 * C or en, the default of Debian's and CloudNativePG's images).
 */
export function isSyncRepCancelNotice(notice: { message?: string; detail?: string }): boolean {
  return /wait for synchronous replication/i.test(notice.message ?? '') || /already committed locally/i.test(notice.detail ?? '');
}

const commitStatement = /^\s*(commit|end)\b/i;
const rollbackStatement = /^\s*(rollback|abort)\b/i;

// A server error with an SQLSTATE outside connection loss (class 08) and shutdown/termination
// (class 57) means the server answered, so a failed COMMIT was rolled back: a plain failure.
function answeredByServer(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57)/.test(code);
}

/** Called once per unconfirmed write, for a metric; never given SQL text or values. */
export type UnconfirmedListener = () => void;

/** One pooled pg client as Kysely sees it, with its statements' commit notices watched. */
class WatchedClient implements PostgresPoolClient {
  private running = false;
  private warned = false;
  /** Set once a commit was left unconfirmed on a connection that then died. */
  private lostAfterUnconfirmed: KonaError | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly onUnconfirmed: UnconfirmedListener | undefined,
  ) {
    client.on('notice', (notice) => {
      if (this.running && isSyncRepCancelNotice(notice)) this.warned = true;
    });
    // A connection lost while checked out is also emitted as an 'error' event, which would crash
    // the process unheard; the running statement rejects with it anyway, and pg then drops the client.
    client.on('error', () => {});
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Cursors only stream reads; they pass through.
    if (typeof sqlOrCursor !== 'string') return (this.client as unknown as PostgresPoolClient).query(sqlOrCursor);
    return this.run<R>(sqlOrCursor, parameters ?? []);
  }

  private async run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    // Kysely rolls back after a failed COMMIT; on a dead connection that would replace the
    // unconfirmed error with "client closed", so the rollback reports the same outcome.
    if (this.lostAfterUnconfirmed && rollbackStatement.test(sql)) throw this.lostAfterUnconfirmed;
    this.running = true;
    this.warned = false;
    try {
      const result = (await this.client.query(sql, [...parameters])) as unknown as PostgresQueryResult<R>;
      if (this.warned) throw this.unconfirmed(false);
      return result;
    } catch (err) {
      if (isUnconfirmedWrite(err)) throw err;
      if (this.warned || (commitStatement.test(sql) && !answeredByServer(err))) throw this.unconfirmed(!answeredByServer(err));
      throw err;
    } finally {
      this.running = false;
      this.warned = false;
    }
  }

  private unconfirmed(connectionLost: boolean): KonaError {
    const err = unconfirmedWrite();
    if (connectionLost) this.lostAfterUnconfirmed = err;
    this.onUnconfirmed?.();
    return err;
  }

  release(destroy?: boolean): void {
    // A connection that died must not go back to the pool (pg drops it anyway; say so explicitly).
    this.client.release(destroy || this.lostAfterUnconfirmed !== undefined);
  }
}

/** Kysely's view of a pg pool in which every client's statements are watched for unconfirmed commits. */
export function watchedPool(pool: pg.Pool, onUnconfirmed?: UnconfirmedListener): PostgresPool {
  const watched = new WeakMap<pg.PoolClient, WatchedClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = watched.get(client);
      if (!wrapper) {
        wrapper = new WatchedClient(client, onUnconfirmed);
        watched.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
