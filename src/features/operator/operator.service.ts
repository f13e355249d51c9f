import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordControlAudit, type Actor } from '../../platform/audit/audit.js';
import { assertNotThrottled, recordAttempt, type ThrottleLimits } from '../../platform/auth/login-throttle.js';
import { hashPassword, verifyDummy, verifyPassword } from '../../platform/auth/passwords.js';
import { normaliseEmail, type KeyRing } from '../../platform/crypto/keyring.js';
import { operatorEmailHash } from './password-reset.service.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { createOperatorSession } from '../../platform/http/sessions.js';
import { deleteOperatorSession, selectOperatorId } from './operator.queries.js';

/** An operator's username. */
export const usernameSchema = z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,64}$/, 'must be 3-64 lower-case letters, digits, dots, dashes or underscores');

/** A random password that is easy to type from a printout: 4 groups of 5 characters. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** Creates an operator account with a generated password, returned once; `contact` is where reset links go. */
export async function createOperator(control: Kysely<ControlSchema>, username: string, actor: Actor, contact?: { email: string; keyRing: KeyRing }) {
  const parsed = usernameSchema.safeParse(username);
  if (!parsed.success) throw new KonaError('KONA_ERR_VALIDATION', `username ${parsed.error.issues[0]!.message}`);
  const exists = await control.selectFrom('operators').select('id').where('username', '=', parsed.data).executeTakeFirst();
  if (exists) throw new KonaError('KONA_ERR_CONFLICT', `Operator ${parsed.data} already exists.`);
  const password = generatePassword();
  let email: { email_enc: string; email_hash: string } | undefined;
  if (contact) {
    const valid = z.email().safeParse(contact.email.trim());
    if (!valid.success) throw new KonaError('KONA_ERR_VALIDATION', 'email must be an email address like name@example.org');
    email = { email_enc: contact.keyRing.encrypt(normaliseEmail(valid.data)), email_hash: operatorEmailHash(contact.keyRing, valid.data) };
  }
  const { id } = await control.insertInto('operators').values({ username: parsed.data, password_hash: await hashPassword(password), ...email }).returning('id').executeTakeFirstOrThrow();
  await recordControlAudit(control, { actor, action: 'operator.created', target: { type: 'operator', id } });
  return { id, username: parsed.data, password };
}

/** Checks an operator's credentials; undefined when they do not match an active operator. */
export async function verifyOperator(control: Kysely<ControlSchema>, username: string, password: string) {
  const row = await control.selectFrom('operators').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
  const ok = row ? await verifyPassword(row.password_hash, password) : await verifyDummy(password);
  return row && ok && row.status === 'active' ? { id: row.id, username: row.username } : undefined;
}

/** What operator sign-in needs: the control plane (accounts, sessions, throttle) and the key ring. */
export interface OperatorDeps {
  control: Kysely<ControlSchema>;
  keyRing: KeyRing;
}

/** Outcome of an operator sign-in attempt. */
export type OperatorSignInResult = { ok: true; token: string; operatorId: string } | { ok: false };

/**
 * Checks an operator's credentials under the same throttle as staff sign-in, counted on the
 * control plane, and starts a fresh session. Every failure gets the same answer.
 */
export async function signInOperator(
  deps: OperatorDeps,
  input: { username: string; password: string; address: string; previousSessionHash?: string },
  limits: ThrottleLimits,
): Promise<OperatorSignInResult> {
  const username = input.username.trim().toLowerCase();
  const accountKey = deps.keyRing.blindIndex(`operator:${username}`);
  await assertNotThrottled({ db: deps.control, keyRing: deps.keyRing }, accountKey, input.address, limits);
  const operator = await verifyOperator(deps.control, username, input.password);
  if (!operator) {
    await recordAttempt({ db: deps.control, keyRing: deps.keyRing }, accountKey, input.address, false);
    const known = await selectOperatorId(deps.control, username);
    if (known) await recordControlAudit(deps.control, { actor: { type: 'public' }, action: 'operator.sign_in_failed', target: { type: 'operator', id: known } });
    return { ok: false };
  }
  await recordAttempt({ db: deps.control, keyRing: deps.keyRing }, accountKey, input.address, true);
  // A new session id at every sign-in: a session fixed before sign-in is never promoted.
  if (input.previousSessionHash) await deleteOperatorSession(deps.control, input.previousSessionHash);
  const token = await createOperatorSession(deps.control, operator.id);
  await recordControlAudit(deps.control, { actor: { type: 'operator', id: operator.id }, action: 'operator.signed_in', target: { type: 'operator', id: operator.id } });
  return { ok: true, token, operatorId: operator.id };
}

/** Ends the operator's current session. */
export async function signOutOperator(control: Kysely<ControlSchema>, operatorId: string, sessionHash: string): Promise<void> {
  await deleteOperatorSession(control, sessionHash);
  await recordControlAudit(control, { actor: { type: 'operator', id: operatorId }, action: 'operator.signed_out', target: { type: 'operator', id: operatorId } });
}
