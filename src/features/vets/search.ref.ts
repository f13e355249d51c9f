/**
 * The reference a search result carries for the request form and the candidate's photo: which
 * rescue and dog, for which vet, until when, under an HMAC with the session secret. A vet cannot
 * name a rescue or a dog any other way, so a forged, altered, expired or another vet's reference is
 * refused with one wording (never saying which), and nothing takes a tenant from free input.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KonaError } from '../../platform/errors/errors.js';

/** How long a search result may be acted on. */
export const refLifetimeMs = 24 * 3_600_000;

/** What a reference names. */
export interface CandidateRef { tenant: string; dogId: string; expiresAt: number }

const mac = (secret: string, vetId: string, r: CandidateRef) =>
  createHmac('sha256', secret).update(`kona-vet-ref:v1\n${vetId}\n${r.tenant}\n${r.dogId}\n${r.expiresAt}`).digest('base64url');

/** Signs a candidate for one vet, valid `refLifetimeMs` from `now`. */
export function signCandidateRef(secret: string, vetId: string, tenant: string, dogId: string, now: number): string {
  const r: CandidateRef = { tenant, dogId, expiresAt: now + refLifetimeMs };
  return `${Buffer.from(JSON.stringify([r.tenant, r.dogId, r.expiresAt])).toString('base64url')}.${mac(secret, vetId, r)}`;
}

/** The same 403 for every reference that is not this vet's and current. */
export function refusedRef(): KonaError {
  return new KonaError('KONA_ERR_FORBIDDEN', 'This link is not valid for your account, or it has expired. Search for the dog again and use the new result.');
}

/** Checks a reference for this vet at `now`; throws `refusedRef()` otherwise. */
export function verifyCandidateRef(secret: string, vetId: string, ref: unknown, now: number): CandidateRef {
  if (typeof ref !== 'string' || ref.length > 400 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/.test(ref)) throw refusedRef();
  const [body, sig] = ref.split('.') as [string, string];
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw refusedRef();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'number') throw refusedRef();
  const r: CandidateRef = { tenant: parsed[0], dogId: parsed[1], expiresAt: parsed[2] };
  const expected = Buffer.from(mac(secret, vetId, r));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refusedRef();
  if (!(r.expiresAt > now)) throw refusedRef();
  return r;
}

/** Search and requests are for verified vets only: the same 403 for a pending, rejected or disabled account. */
export function assertVerifiedVet(actor: { status: string }): void {
  if (actor.status !== 'verified') throw new KonaError('KONA_ERR_FORBIDDEN', 'Your vet account is not verified yet. An operator or a rescue\u2019s admin checks your licence first; you can search once it is verified.');
}
