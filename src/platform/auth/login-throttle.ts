import { createHash } from 'node:crypto';
import { commonTables, type EitherKysely } from '../db/schema.js';
import { KonaError } from '../errors/errors.js';

/** Limits on failed sign-ins, per account and per client address, over a sliding window. */
export interface ThrottleLimits {
  windowMinutes: number;
  maxPerAccount: number;
  maxPerAddress: number;
}

/** The key an address is counted under (hashed: addresses are personal data). */
export function addressKey(ip: string): string {
  return createHash('sha256').update(`addr:${ip}`).digest('hex');
}

/**
 * Refuses a sign-in attempt when the account or the address has failed too often recently.
 * Counting in the database keeps the limit right with any number of web replicas.
 */
export async function assertNotThrottled(db: EitherKysely, accountKey: string, address: string, limits: ThrottleLimits): Promise<void> {
  const since = new Date(Date.now() - limits.windowMinutes * 60_000);
  const counts = await commonTables(db)
    .selectFrom('login_attempts')
    .select((eb) => [
      eb.fn.count<string>('id').filterWhere('account_key', '=', accountKey).as('account'),
      eb.fn.count<string>('id').filterWhere('address_key', '=', addressKey(address)).as('address'),
    ])
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb('account_key', '=', accountKey), eb('address_key', '=', addressKey(address))]))
    .executeTakeFirstOrThrow();
  const retryAfterSeconds = limits.windowMinutes * 60;
  if (Number(counts.account) >= limits.maxPerAccount) {
    throw new KonaError(
      'KONA_ERR_RATE_LIMITED',
      `Too many failed sign-ins for this account. For its safety, try again in ${limits.windowMinutes} minutes or ask an admin to reset your password.`,
      { retryAfterSeconds },
    );
  }
  if (Number(counts.address) >= limits.maxPerAddress) {
    throw new KonaError('KONA_ERR_RATE_LIMITED', `Too many failed sign-ins from your network. Try again in ${limits.windowMinutes} minutes.`, { retryAfterSeconds });
  }
}

/** Records a sign-in attempt; old rows are pruned by a scheduled job. */
export async function recordAttempt(db: EitherKysely, accountKey: string, address: string, succeeded: boolean): Promise<void> {
  await commonTables(db).insertInto('login_attempts').values({ account_key: accountKey, address_key: addressKey(address), succeeded }).execute();
}

/** Deletes attempts older than a day. */
export async function pruneAttempts(db: EitherKysely): Promise<void> {
  await commonTables(db).deleteFrom('login_attempts').where('at', '<', new Date(Date.now() - 86_400_000)).execute();
}
