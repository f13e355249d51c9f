/**
 * How a statement's failure reads during a failover or switchover: the server it reached was
 * demoted (read-only), shut down, or its socket went away. Such a connection is never reused.
 */
import { KonaError } from '../errors/errors.js';

// 25006 read_only_sql_transaction: a demoted primary (or a standby behind a stale address);
// 57P01/57P02/57P03: admin shutdown, crash shutdown, cannot connect now.
const failoverStates = new Set(['25006', '57P01', '57P02', '57P03']);

/** The SQLSTATE of a server error, or undefined when the server never answered (socket loss). */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const socketCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether the server never answered: the connection broke (reset, terminated, closed). */
export function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && socketCodes.has(code)) return true;
  // pg's own words for a socket that ended under a query, or a client already closed by it.
  return err instanceof Error && /^Connection terminated|not queryable|connection error/i.test(err.message);
}

/** Whether a failure means this connection's server is gone or demoted: drop the connection. */
export function isFailoverError(err: unknown): boolean {
  const state = sqlState(err);
  return state ? failoverStates.has(state) || state.startsWith('08') : isConnectionLoss(err);
}

/** Whether a server error says the statement was refused before anything was written (read-only server). */
export function refusedAsReadOnly(err: unknown): boolean {
  return sqlState(err) === '25006';
}

/** The clear error for work a failover interrupted when the server said nothing was committed. */
export function databaseSwitching(cause: unknown): KonaError {
  return new KonaError(
    'KONA_ERR_DB_SWITCHING',
    'The database is switching to another server and nothing was saved. Try again in a few seconds.',
    { retryAfterSeconds: 5, cause },
  );
}

const readStatement = /^\s*select\b/i;
// Whole statements only (as Kysely sends them): `rollback to savepoint` does not end a transaction.
const beginStatement = /^\s*(begin|start\s+transaction)[a-z\s]*;?\s*$/i;
const endStatement = /^\s*(commit|end|rollback|abort)\s*;?\s*$/i;

/** Whether a statement only reads (a plain SELECT), so running it again on another connection is safe. */
export function isRead(sql: string): boolean {
  return readStatement.test(sql) && !/\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b/i.test(sql);
}

/** Whether a statement opens (true), closes (false) or leaves (undefined) a transaction. */
export function transactionEffect(sql: string): boolean | undefined {
  if (beginStatement.test(sql)) return true;
  if (endStatement.test(sql)) return false;
  return undefined;
}
