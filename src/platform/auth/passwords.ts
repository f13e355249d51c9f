import argon2 from 'argon2';
import { z } from 'zod';

/** A new password: long enough to resist guessing, short enough for argon2 to stay cheap. */
export const newPasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters (a few words together work well)')
  .max(200, 'must be at most 200 characters');

/** Hashes a password with argon2id (OWASP's recommended parameters). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/** Checks a password against its hash; false for any malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verifying against this when an account does not exist keeps sign-in time the same either way,
// so response timing does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real verification, for unknown accounts. */
export async function verifyDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('kona-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
