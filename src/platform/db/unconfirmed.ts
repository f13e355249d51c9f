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
 * The watch itself lives in watched-pool.ts; this file says what counts as unconfirmed.
 */
import { KonaError } from '../errors/errors.js';

/** What the person is told: the change may or may not be saved, so look before repeating it. */
export const unconfirmedWriteMessage =
  'The database could not confirm that this change was saved safely: it may or may not be saved. ' +
  'Check whether it is there before you repeat it.';

/** The error a write ends in when its commit could not be confirmed. */
export function unconfirmedWrite(cause?: unknown): KonaError {
  return new KonaError('KONA_ERR_WRITE_UNCONFIRMED', unconfirmedWriteMessage, { cause });
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

