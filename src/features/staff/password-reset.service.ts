/**
 * Password reset links for staff and fosters: asked for on the sign-in page or sent by an admin.
 * A link is a random token of which only the sha256 is stored; it expires, works once (spent by a
 * compare-and-set), and using it ends every session of that person.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { MailSender } from '../../platform/mail/index.js';
import { addressKey } from '../../platform/auth/login-throttle.js';
import { assertResetAllowed, resetWindowStart } from '../../platform/auth/reset-limits.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { hashToken, newSessionToken } from '../../platform/http/sessions.js';
import type { TenantDeps } from '../../platform/http/replies.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';
import { insertReset, recentResetRequests, selectOpenReset, spendOtherResets, spendReset } from './password-reset.queries.js';
import { selectStaffById } from './staff.queries.js';
import { emailHash, findStaffByEmail, setPassword } from './staff.service.js';
import type { Kysely } from 'kysely';

/** What reset links need besides the database: mail, the clock, the link's lifetime and the rescue's name. */
export interface ResetDeps extends TenantDeps {
  jobs: JobRegistry;
  clock: Clock;
  minutes: number;
  rescueName: string;
  /** Who the mail is from (the rescue's name, its Reply-To); Kona's configured From without it. */
  sender?: MailSender;
}

// enqueueMail reads only `.kysely`: handing it the transaction queues the mail with the link.
const inTransaction = (tx: Kysely<TenantSchema>) => ({ kysely: tx }) as unknown as Database<TenantSchema>;

async function assertUnderLimits(deps: ResetDeps, accountKey: string, address: string, now: number): Promise<void> {
  const since = resetWindowStart(now);
  const account = await recentResetRequests(deps.db, 'account_key', accountKey, since);
  const fromAddress = await recentResetRequests(deps.db, 'address_key', addressKey(deps.keyRing, address), since);
  assertResetAllowed(account, fromAddress, now);
}

function resetMail(to: string, rescueName: string, link: string, minutes: number, byAdmin: boolean) {
  return {
    to,
    subject: `Reset your password for the ${rescueName} hub`,
    text: [
      'Hello,',
      '',
      byAdmin
        ? `An admin of ${rescueName} sent you this link to choose a new password for the hub:`
        : `Someone (we hope you) asked to reset the password of your ${rescueName} hub account. Choose a new one here:`,
      '',
      link,
      '',
      `The link works once and expires in ${minutes} minutes. Using it signs you out everywhere.`,
      byAdmin ? '' : 'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
  };
}

/** Creates a link for an active account and queues its email in the same transaction; returns the token. */
async function issueLink(deps: ResetDeps, staff: { id: string; email: string; emailHash: string }, origin: { address: string; by: 'self' | 'admin' }, linkFor: (token: string) => string, actor: Actor) {
  const now = deps.clock.now();
  const { token, hash } = newSessionToken();
  await deps.db.transaction().execute(async (tx) => {
    const id = await insertReset(tx, {
      account_key: staff.emailHash, address_key: origin.address, staff_id: staff.id, token_hash: hash, requested_by: origin.by,
      created_at: new Date(now), expires_at: new Date(now + deps.minutes * 60_000),
    });
    await enqueueMail(inTransaction(tx), deps.jobs, deps.keyRing, { ...deps.sender, ...resetMail(staff.email, deps.rescueName, linkFor(token), deps.minutes, origin.by === 'admin') }, { idempotencyKey: `password-reset:${id}` });
    await recordAudit(tx, { actor, action: 'staff.password_reset_sent', target: { type: 'staff', id: staff.id }, detail: { by: origin.by } });
  });
  return token;
}

/**
 * A request from the "Forgot password?" page. Whether or not the email belongs to an active
 * account, the request is recorded and counted the same, and the caller answers the same; only
 * an active account gets a link. Throws KONA_ERR_RATE_LIMITED (with the time to wait) over the limits.
 */
export async function requestPasswordReset(deps: ResetDeps, input: { email: string; address: string }, linkFor: (token: string) => string): Promise<void> {
  const now = deps.clock.now();
  const accountKey = emailHash(deps.keyRing, input.email);
  await assertUnderLimits(deps, accountKey, input.address, now);
  const staff = await findStaffByEmail(deps, input.email);
  const address = addressKey(deps.keyRing, input.address);
  if (!staff || staff.status !== 'active') {
    await insertReset(deps.db, { account_key: accountKey, address_key: address, staff_id: null, token_hash: null, requested_by: 'self', created_at: new Date(now), expires_at: new Date(now) });
    return;
  }
  const email = deps.keyRing.decrypt(staff.email_enc);
  await issueLink(deps, { id: staff.id, email, emailHash: accountKey }, { address, by: 'self' }, linkFor, { type: 'public' });
}

/** An admin sends a reset link to an active member; returns the token (shown once when the rescue has no mail server). */
export async function sendPasswordResetByAdmin(deps: ResetDeps, staffId: string, actor: Actor, linkFor: (token: string) => string): Promise<{ token: string; email: string }> {
  const staff = await selectStaffById(deps.db, staffId);
  if (!staff) throw new KonaError('KONA_ERR_NOT_FOUND', 'That staff member does not exist.');
  if (staff.status !== 'active') throw new KonaError('KONA_ERR_CONFLICT', 'That account is disabled. Enable it before sending a password reset link.');
  const email = deps.keyRing.decrypt(staff.email_enc);
  const token = await issueLink(deps, { id: staff.id, email, emailHash: staff.email_hash }, { address: '', by: 'admin' }, linkFor, actor);
  return { token, email };
}

/** Whether a link is open (unspent, unexpired), with the email it is for; undefined when not. */
export async function findOpenReset(deps: ResetDeps, token: string): Promise<{ email: string } | undefined> {
  const row = await selectOpenReset(deps.db, hashToken(token), new Date(deps.clock.now()));
  const staff = row?.staff_id ? await selectStaffById(deps.db, row.staff_id) : undefined;
  return staff && staff.status === 'active' ? { email: deps.keyRing.decrypt(staff.email_enc) } : undefined;
}

/** The refusal for a link that is spent, expired or never existed. */
export const deadResetLink = 'This password reset link has expired or was already used. Ask for a new one from the sign-in page.';

/**
 * Uses a link: spends it first (two clicks at once set one password), sets the new password, which
 * ends every session of that person, spends their other open links, and audits it.
 */
export async function completePasswordReset(deps: ResetDeps, token: string, password: string): Promise<string> {
  const now = new Date(deps.clock.now());
  const staffId = await spendReset(deps.db, hashToken(token), now);
  const staff = staffId ? await selectStaffById(deps.db, staffId) : undefined;
  if (!staff || staff.status !== 'active') throw new KonaError('KONA_ERR_NOT_FOUND', deadResetLink);
  await setPassword(deps, staff.id, password, { type: 'staff', id: staff.id });
  await spendOtherResets(deps.db, staff.id, now);
  await recordAudit(deps.db, { actor: { type: 'staff', id: staff.id }, action: 'staff.password_reset', target: { type: 'staff', id: staff.id } });
  return staff.id;
}
