/**
 * Rate limits per client address. Messages are counted in the rescue's database (a keyed hash of
 * the address, like applications); searches are counted in the process (a search stores nothing
 * a rescue owns, and the root page has no rescue database to count in).
 */
import type { Kysely } from 'kysely';
import { addressKey } from '../../platform/auth/login-throttle.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { selectAttemptsSince } from './lostfound.queries.js';

/** At most this many messages per address per rescue in the window. */
export const contactRateLimit = { max: 5, windowMinutes: 60 } as const;
/** At most this many searches per address in the window (per process). */
export const searchRateLimit = { max: 20, windowMinutes: 60 } as const;

/** The keyed hash an address is counted under. */
export function contactAddressHash(ring: KeyRing, ip: string): string {
  return addressKey(ring, `lostfound:${ip}`);
}

/** A 429 that says when to try again. */
function tooMany(what: string, at: number, now: number): KonaError {
  const minutes = Math.max(1, Math.ceil((at - now) / 60_000));
  return new KonaError('KONA_ERR_RATE_LIMITED', `Too many ${what} have been sent from your connection in the last hour. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}. What you typed is kept below.`,
    { retryAfterSeconds: Math.ceil((at - now) / 1000) });
}

/** Throws a 429 when the address has sent its allowance of messages to this rescue. */
export async function assertContactAllowed(db: Kysely<TenantSchema>, hash: string, now: number): Promise<void> {
  const windowMs = contactRateLimit.windowMinutes * 60_000;
  const recent = await selectAttemptsSince(db, hash, new Date(now - windowMs));
  if (recent.length >= contactRateLimit.max) throw tooMany('messages', recent[recent.length - contactRateLimit.max]!.getTime() + windowMs, now);
}

/** A sliding window of searches per address, held in memory. */
export class SearchLimiter {
  private readonly seen = new Map<string, number[]>();
  constructor(private readonly limit: { max: number; windowMinutes: number } = searchRateLimit) {}

  /** Counts a search from `key` at `now`, or throws a 429 when the window is full. */
  take(key: string, now: number): void {
    const windowMs = this.limit.windowMinutes * 60_000;
    const recent = (this.seen.get(key) ?? []).filter((t) => t > now - windowMs);
    if (recent.length >= this.limit.max) throw tooMany('searches', recent[0]! + windowMs, now);
    recent.push(now);
    this.seen.set(key, recent);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!);
  }
}

/** Deletes message counts older than twice the window (run by the daily lostfound.sweep). */
export async function pruneContactAttempts(db: Kysely<TenantSchema>, now: number): Promise<number> {
  const result = await db.deleteFrom('lostfound_attempts').where('at', '<', new Date(now - 2 * contactRateLimit.windowMinutes * 60_000)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
