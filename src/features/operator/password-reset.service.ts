/**
 * Password reset links for operators, on the control plane: the same rules as a rescue's staff
 * (a hashed single-use token that expires, the same answer for any email, limits per email and per
 * address), sent to the email the operator gave (`kona operator create --email`).
 */
import type { Kysely } from 'kysely';
import { recordControlAudit } from '../../platform/audit/audit.js';
import { addressKey } from '../../platform/auth/login-throttle.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { assertResetAllowed, resetWindowStart } from '../../platform/auth/reset-limits.js';
import type { Clock } from '../../platform/clock/clock.js';
import { normaliseEmail, type KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { hashToken, newSessionToken } from '../../platform/http/sessions.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';

type Control = Kysely<ControlSchema>;

/** What operator reset links need. */
export interface OperatorResetDeps {
  control: Control;
  keyRing: KeyRing;
  jobs: JobRegistry;
  clock: Clock;
  minutes: number;
}

/** The keyed hash an operator's email is found by. */
export function operatorEmailHash(keyRing: KeyRing, email: string): string {
  return keyRing.blindIndex(`operator-email:${normaliseEmail(email)}`);
}

// enqueueMail reads only `.kysely`: handing it the transaction queues the mail with the link.
const inTransaction = (tx: Control) => ({ kysely: tx }) as unknown as Database<ControlSchema>;

async function recent(db: Control, column: 'account_key' | 'address_key', key: string, since: Date) {
  const row = await db.selectFrom('operator_password_resets').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where(column, '=', key).where('created_at', '>', since).executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as unknown as string | Date) : null };
}

/** A "Forgot password?" request on the console: the same answer and the same limits whether or not the email is an operator's. */
export async function requestOperatorReset(deps: OperatorResetDeps, input: { email: string; address: string }, linkFor: (token: string) => string): Promise<void> {
  const now = deps.clock.now();
  const accountKey = operatorEmailHash(deps.keyRing, input.email);
  const address = addressKey(deps.keyRing, input.address);
  const since = resetWindowStart(now);
  assertResetAllowed(await recent(deps.control, 'account_key', accountKey, since), await recent(deps.control, 'address_key', address, since), now);
  const operator = await deps.control.selectFrom('operators').select(['id', 'status', 'email_enc']).where('email_hash', '=', accountKey).executeTakeFirst();
  const times = { created_at: new Date(now), expires_at: new Date(now + deps.minutes * 60_000) };
  if (!operator || operator.status !== 'active' || !operator.email_enc) {
    await deps.control.insertInto('operator_password_resets').values({ account_key: accountKey, address_key: address, operator_id: null, token_hash: null, ...times, expires_at: new Date(now) }).execute();
    return;
  }
  const { token, hash } = newSessionToken();
  const to = deps.keyRing.decrypt(operator.email_enc);
  await deps.control.transaction().execute(async (tx) => {
    const { id } = await tx.insertInto('operator_password_resets').values({ account_key: accountKey, address_key: address, operator_id: operator.id, token_hash: hash, ...times }).returning('id').executeTakeFirstOrThrow();
    const text = [
      'Hello,', '', 'Someone (we hope you) asked to reset your Kona operator password. Choose a new one here:', '', linkFor(token), '',
      `The link works once and expires in ${deps.minutes} minutes. Using it signs you out everywhere.`,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n');
    await enqueueMail(inTransaction(tx), deps.jobs, deps.keyRing, { to, subject: 'Reset your Kona operator password', text }, { idempotencyKey: `operator-password-reset:${id}` });
    await recordControlAudit(tx, { actor: { type: 'public' }, action: 'operator.password_reset_sent', target: { type: 'operator', id: operator.id } });
  });
}

/** The username an open link is for; undefined when spent, expired or unknown. */
export async function findOpenOperatorReset(deps: OperatorResetDeps, token: string): Promise<{ username: string } | undefined> {
  return deps.control.selectFrom('operator_password_resets').innerJoin('operators', 'operators.id', 'operator_password_resets.operator_id')
    .select('operators.username').where('token_hash', '=', hashToken(token)).where('used_at', 'is', null)
    .where('expires_at', '>', new Date(deps.clock.now())).where('operators.status', '=', 'active').executeTakeFirst();
}

/** The refusal for a spent, expired or made-up link. */
export const deadOperatorResetLink = 'This password reset link has expired or was already used. Ask for a new one from the sign-in page.';

/** Uses a link: spends it (compare-and-set), sets the password, ends every session of the operator, spends their other links. */
export async function completeOperatorReset(deps: OperatorResetDeps, token: string, password: string): Promise<string> {
  const now = new Date(deps.clock.now());
  const spent = await deps.control.updateTable('operator_password_resets').set({ used_at: now })
    .where('token_hash', '=', hashToken(token)).where('used_at', 'is', null).where('expires_at', '>', now).returning('operator_id').executeTakeFirst();
  const operator = spent?.operator_id ? await deps.control.selectFrom('operators').select(['id', 'status']).where('id', '=', spent.operator_id).executeTakeFirst() : undefined;
  if (!operator || operator.status !== 'active') throw new KonaError('KONA_ERR_NOT_FOUND', deadOperatorResetLink);
  const passwordHash = await hashPassword(password);
  await deps.control.transaction().execute(async (tx) => {
    await tx.updateTable('operators').set({ password_hash: passwordHash }).where('id', '=', operator.id).execute();
    await tx.deleteFrom('operator_sessions').where('operator_id', '=', operator.id).execute();
    await tx.updateTable('operator_password_resets').set({ used_at: now }).where('operator_id', '=', operator.id).where('used_at', 'is', null).execute();
    await recordControlAudit(tx, { actor: { type: 'operator', id: operator.id }, action: 'operator.password_reset', target: { type: 'operator', id: operator.id } });
  });
  return operator.id;
}
