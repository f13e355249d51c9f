/**
 * How many registrations one client address may send: counted on the control plane in the
 * sign-in attempts table (a keyed hash of the address under its own prefix, pruned daily with the
 * rest), so the limit holds across web replicas. A refused duplicate counts too: the 409 says an
 * account exists, and the limit keeps that from being asked about many emails.
 */
import type { Kysely } from 'kysely';
import { addressKey } from '../../platform/auth/login-throttle.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';

/** At most this many registrations per address in the window. */
export const vetRegistrationLimit = { max: 5, windowMinutes: 60 } as const;

const accountKey = 'vet-registration';

/** The keyed hash an address's registrations are counted under. */
function registrationAddress(keyRing: KeyRing, ip: string): string {
  return addressKey(keyRing, `vet-register:${ip}`);
}

/** Counts one registration from `ip` at `now`, or throws a 429 saying when to come back. */
export async function takeRegistrationAllowance(control: Kysely<ControlSchema>, keyRing: KeyRing, ip: string, now: number): Promise<void> {
  const address_key = registrationAddress(keyRing, ip);
  const windowMs = vetRegistrationLimit.windowMinutes * 60_000;
  const recent = await control.selectFrom('login_attempts').select('at').where('account_key', '=', accountKey).where('address_key', '=', address_key)
    .where('at', '>', new Date(now - windowMs)).orderBy('at', 'desc').limit(vetRegistrationLimit.max).execute();
  if (recent.length >= vetRegistrationLimit.max) {
    const freeAt = recent[recent.length - 1]!.at.getTime() + windowMs;
    const retryAfterSeconds = Math.max(60, Math.ceil((freeAt - now) / 1000));
    const minutes = Math.ceil(retryAfterSeconds / 60);
    throw new KonaError('KONA_ERR_RATE_LIMITED', `Too many registrations have been sent from your network. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}. What you typed is kept below.`, { retryAfterSeconds });
  }
  await control.insertInto('login_attempts').values({ account_key: accountKey, address_key, succeeded: true, at: new Date(now) }).execute();
}
