/**
 * The pg pool as Kysely sees it (Kysely's public PostgresPool interface), with every statement
 * watched for what a failover does to it:
 * - a commit whose synchronous-standby wait was cancelled, or a write that lost its connection
 *   before the answer came, ends in KONA_ERR_WRITE_UNCONFIRMED (see unconfirmed.ts);
 * - a connection whose server was demoted (read-only), shut down or lost is never reused;
 * - a plain SELECT outside a transaction that failed that way runs once more on a fresh connection;
 * - anything else interrupted that way ends in KONA_ERR_DB_SWITCHING ("nothing was saved").
 *
 * Why the pool seam rather than a pg Client subclass or a custom Dialect: it is where the pg client
 * (which emits notices) and each statement meet, it needs no override of pg's many `query`
 * overloads, and Kysely's own driver stays untouched.
 */
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import type { KonaError } from '../errors/errors.js';
import { databaseSwitching, isFailoverError, isRead, refusedAsReadOnly, transactionEffect } from './failover.js';
import { isSyncRepCancelNotice, isUnconfirmedWrite, unconfirmedWrite } from './unconfirmed.js';

/** Called once per unconfirmed write, for a metric; never given SQL text or values. */
export type UnconfirmedListener = () => void;

const commitStatement = /^\s*(commit|end)\b/i;
const rollbackStatement = /^\s*(rollback|abort)\b/i;

/** What a client wrapper needs of the pool: fresh clients, each watched and owned by one wrapper. */
interface Clients {
  connect(owner?: WatchedClient): Promise<pg.PoolClient>;
  onUnconfirmed?: UnconfirmedListener;
}

/** One pooled connection as Kysely sees it; the pg client behind it may be swapped for a read's retry. */
class WatchedClient implements PostgresPoolClient {
  private running = false;
  private warned = false;
  private lost = false;
  private inTransaction = false;
  /** The outcome of a statement that broke this connection; the ROLLBACK Kysely sends next repeats it. */
  private broken: KonaError | undefined;

  constructor(
    private client: pg.PoolClient | undefined,
    private readonly clients: Clients,
  ) {}

  /** A notice from a pg client (routed here by watchedPool); one this wrapper let go of is ignored. */
  notice(from: pg.PoolClient, notice: { message?: string; detail?: string }): void {
    if (from === this.client && this.running && isSyncRepCancelNotice(notice)) this.warned = true;
  }

  /** A pg client's socket ended or failed (late events of a client already let go of are ignored). */
  connectionLost(from: pg.PoolClient): void {
    if (from === this.client) this.lost = true;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Cursors only stream reads; they pass through.
    if (typeof sqlOrCursor !== 'string') return (this.live() as unknown as PostgresPoolClient).query(sqlOrCursor);
    return this.run<R>(sqlOrCursor, parameters ?? []);
  }

  private live(): pg.PoolClient {
    if (!this.client) throw this.broken ?? new Error('this database connection was already released');
    return this.client;
  }

  private async run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    // Kysely rolls back after a failed statement; on a dead or demoted connection that would replace
    // the outcome the person must hear (unconfirmed, or nothing saved) with "client closed".
    if (this.broken && rollbackStatement.test(sql)) throw this.broken;
    const effect = transactionEffect(sql);
    const inTransaction = this.inTransaction;
    if (effect !== undefined) this.inTransaction = effect;
    try {
      return await this.once<R>(sql, parameters);
    } catch (err) {
      if (isUnconfirmedWrite(err) || !(isFailoverError(err) || this.lost)) throw err;
      if (!inTransaction && isRead(sql)) return this.retryOnFreshConnection<R>(sql, parameters);
      // A COMMIT, or a write committing on its own, may have committed before the connection went.
      const endsWrite = commitStatement.test(sql) || (!inTransaction && effect === undefined);
      throw (this.broken = endsWrite && !refusedAsReadOnly(err) ? this.unconfirmed(err) : databaseSwitching(err));
    }
  }

  /** One statement on the current client; a cancelled standby wait during it makes it unconfirmed. */
  private async once<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    this.running = true;
    this.warned = false;
    try {
      const result = (await this.live().query(sql, [...parameters])) as unknown as PostgresQueryResult<R>;
      if (this.warned) throw this.unconfirmed(undefined);
      return result;
    } catch (err) {
      if (this.warned && !isUnconfirmedWrite(err)) throw (this.broken = this.unconfirmed(err));
      throw err;
    } finally {
      this.running = false;
      this.warned = false;
    }
  }

  private async retryOnFreshConnection<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    this.client?.release(true);
    this.client = undefined;
    this.lost = false;
    try {
      this.client = await this.clients.connect(this);
      return await this.once<R>(sql, parameters);
    } catch (err) {
      if (!(isFailoverError(err) || this.lost)) throw err;
      throw (this.broken = databaseSwitching(err));
    }
  }

  private unconfirmed(cause: unknown): KonaError {
    this.clients.onUnconfirmed?.();
    return unconfirmedWrite(cause);
  }

  release(destroy?: boolean): void {
    const client = this.client;
    if (!client) return;
    // A connection a failover touched goes, so the next one is opened to wherever the URL now leads.
    client.release(Boolean(destroy) || this.broken !== undefined || this.lost);
    if (destroy || this.broken || this.lost) this.client = undefined;
  }
}

/** Kysely's view of a pg pool in which every client's statements are watched (see the header). */
export function watchedPool(pool: pg.Pool, onUnconfirmed?: UnconfirmedListener): PostgresPool {
  const owners = new WeakMap<pg.PoolClient, WatchedClient>();
  const clients: Clients = {
    onUnconfirmed,
    async connect(owner) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        // No connection, so no statement was sent: the server is away (refused, reset, starting up,
        // shutting down) or the pool timed out waiting for it. Nothing was written; say so clearly.
        if (isFailoverError(err) || (err instanceof Error && /timeout exceeded when trying to connect/i.test(err.message))) throw databaseSwitching(err);
        throw err;
      }
      const known = owners.get(client);
      if (!known || owner) {
        if (!known) {
          client.on('notice', (n) => owners.get(client)?.notice(client, n));
          // A socket lost while checked out is also an 'error' event, which would crash the process
          // unheard; the running statement rejects with it anyway.
          client.on('error', () => owners.get(client)?.connectionLost(client));
          client.on('end', () => owners.get(client)?.connectionLost(client));
        }
        owners.set(client, owner ?? new WatchedClient(client, clients));
      }
      return client;
    },
  };
  return {
    async connect() {
      const client = await clients.connect();
      return owners.get(client)!;
    },
    end: () => pool.end(),
  };
}
