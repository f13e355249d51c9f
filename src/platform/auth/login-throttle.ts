import type { Kysely } from 'kysely';
import { commonTables, type ControlSchema, type EitherKysely } from '../db/schema.js';
import { KonaError } from '../errors/errors.js';

/** Limits on failed sign-ins, per account and per client address, over a sliding window. */
export interface ThrottleLimits {
  windowMinutes: number;
  maxPerAccount: number;
  maxPerAddress: number;
}

/** What makes keyed hashes: the key ring's blind index. */
export interface BlindIndexer {
  blindIndex(value: string): string;
}

/**
 * The key an address is counted under: a keyed hash, because addresses are personal data and a
 * plain hash of an IPv4 address is undone by hashing all 2^32 of them.
 */
export function addressKey(ring: BlindIndexer, ip: string): string {
  return ring.blindIndex(`addr:${ip}`);
}

/**
 * Where sign-ins are counted. An account is counted in the database it lives in (a rescue's, or the
 * control plane for operators). An address is counted on the control plane, which every rescue
 * shares, so one address has one allowance across all rescues and the operator console: a rescue's
 * sign-in names `shared`, and its failures are also written there under `rescue:<slug>` (the
 * account itself is only ever counted in the rescue's own database).
 */
export interface ThrottleStore {
  db: EitherKysely;
  keyRing: BlindIndexer;
  shared?: { control: Kysely<ControlSchema>; rescue: string };
}

/** Failed sign-ins in the window whose `column` is `key`. */
async function recentFailures(db: EitherKysely, column: 'account_key' | 'address_key', key: string, since: Date): Promise<number> {
  const row = await commonTables(db).selectFrom('login_attempts').select((eb) => eb.fn.countAll<string>().as('n'))
    .where(column, '=', key).where('succeeded', '=', false).where('at', '>', since).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Refuses a sign-in attempt when the account or the address has failed too often recently.
 * Counting in the database keeps the limit right with any number of web replicas.
 */
export async function assertNotThrottled(store: ThrottleStore, accountKey: string, address: string, limits: ThrottleLimits): Promise<void> {
  const since = new Date(Date.now() - limits.windowMinutes * 60_000);
  const [account, fromAddress] = await Promise.all([
    recentFailures(store.db, 'account_key', accountKey, since),
    recentFailures(store.shared?.control ?? store.db, 'address_key', addressKey(store.keyRing, address), since),
  ]);
  const retryAfterSeconds = limits.windowMinutes * 60;
  if (account >= limits.maxPerAccount) {
    throw new KonaError(
      'KONA_ERR_RATE_LIMITED',
      `Too many failed sign-ins for this account. For its safety, try again in ${limits.windowMinutes} minutes or ask an admin to reset your password.`,
      { retryAfterSeconds },
    );
  }
  if (fromAddress >= limits.maxPerAddress) {
    throw new KonaError('KONA_ERR_RATE_LIMITED', `Too many failed sign-ins from your network. Try again in ${limits.windowMinutes} minutes.`, { retryAfterSeconds });
  }
}

/** Records a sign-in attempt (a rescue's failure on the control plane too); old rows are pruned by a scheduled job. */
export async function recordAttempt(store: ThrottleStore, accountKey: string, address: string, succeeded: boolean): Promise<void> {
  const address_key = addressKey(store.keyRing, address);
  await commonTables(store.db).insertInto('login_attempts').values({ account_key: accountKey, address_key, succeeded }).execute();
  if (!succeeded && store.shared) {
    await commonTables(store.shared.control).insertInto('login_attempts').values({ account_key: `rescue:${store.shared.rescue}`, address_key, succeeded }).execute();
  }
}

/** Deletes attempts older than a day. */
export async function pruneAttempts(db: EitherKysely): Promise<void> {
  await commonTables(db).deleteFrom('login_attempts').where('at', '<', new Date(Date.now() - 86_400_000)).execute();
}
