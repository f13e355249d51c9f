import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the form field and header that carry the CSRF token. */
export const csrfField = '_csrf';
export const csrfHeader = 'x-csrf-token';

/**
 * Signed tokens bound to the visitor: to the session when signed in, otherwise to a random
 * pre-session cookie. A token from one session is useless in another.
 */
export function csrfTokenFor(secret: string, binding: string): string {
  return createHmac('sha256', secret).update(`csrf:${binding}`).digest('base64url');
}

/** Constant-time comparison of a presented token with the expected one. */
export function csrfTokenValid(secret: string, binding: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const expected = Buffer.from(csrfTokenFor(secret, binding));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A fresh random value for the pre-session cookie. */
export function newCsrfBinding(): string {
  return randomBytes(18).toString('base64url');
}
