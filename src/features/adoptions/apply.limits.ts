import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { deleteAttemptsBefore, insertAttempt, selectAttemptsSince } from './apply.queries.js';

/** At most this many applications per client address in the window (form errors do not count). */
export const applicationRateLimit = { max: 5, windowMinutes: 60 } as const;
const windowMs = applicationRateLimit.windowMinutes * 60_000;

/** The keyed hash an address is stored as (addresses are personal data). */
export function addressHash(ring: KeyRing, address: string): string {
  return ring.blindIndex(`apply-address:${address}`);
}

/** When the address may apply again, or undefined when it may now. */
export async function retryAt(db: Kysely<TenantSchema>, hash: string, now = new Date()): Promise<Date | undefined> {
  const recent = await selectAttemptsSince(db, hash, new Date(now.getTime() - windowMs));
  if (recent.length < applicationRateLimit.max) return undefined;
  return new Date(recent[recent.length - applicationRateLimit.max]!.getTime() + windowMs);
}

/** A 429 that says when to try again. */
export function rateLimited(at: Date, now = new Date()): KonaError {
  const minutes = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  const time = at.toISOString().slice(11, 16);
  return new KonaError('KONA_ERR_RATE_LIMITED',
    `Too many applications have been sent from your connection in the last hour. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} (after ${time} UTC). Your answers are kept below.`,
    { retryAfterSeconds: Math.ceil((at.getTime() - now.getTime()) / 1000) });
}

/** Counts one accepted application from the address. */
export function recordAttempt(db: Kysely<TenantSchema>, hash: string): Promise<void> {
  return insertAttempt(db, hash);
}

/** Forgets attempts that no longer count (run by the daily maintenance job). */
export function pruneApplicationAttempts(db: Kysely<TenantSchema>, now = new Date()): Promise<number> {
  return deleteAttemptsBefore(db, new Date(now.getTime() - 2 * windowMs));
}
