import { normaliseEmail, type KeyRing } from '../../platform/crypto/keyring.js';

/** A phone number reduced to its digits (what the blind index hashes). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** The keyed blind index of an email (trimmed, lower-cased), or null for none. */
export function emailHash(ring: KeyRing, email: string | null | undefined): string | null {
  const e = email ? normaliseEmail(email) : '';
  return e ? ring.blindIndex(`email:${e}`) : null;
}

/** The keyed blind index of a phone number (digits only), or null for none. */
export function phoneHash(ring: KeyRing, phone: string | null | undefined): string | null {
  const d = phone ? phoneDigits(phone) : '';
  return d ? ring.blindIndex(`phone:${d}`) : null;
}

/** A name folded for comparison: trimmed, single-spaced, lower-cased. */
export function foldName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Encrypts a value, keeping empty as null. */
export function encOrNull(ring: KeyRing, value: string | null | undefined): string | null {
  const v = value?.trim() ?? '';
  return v ? ring.encrypt(v) : null;
}

/** Decrypts a nullable column to a string ('' for none). */
export function decOrEmpty(ring: KeyRing, value: string | null): string {
  return value ? ring.decrypt(value) : '';
}
