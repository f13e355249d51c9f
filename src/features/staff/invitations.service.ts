import type { Kysely } from 'kysely';
import type { MailSender } from '../../platform/mail/index.js';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/driver.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';
import { normaliseEmail } from '../../platform/crypto/keyring.js';
import type { StaffRole, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { createStaffSession, endStaffSession, hashToken, newSessionToken } from '../../platform/http/sessions.js';
import { emailSchema, roleSchema } from './staff.schema.js';
import { createStaff, emailHash, findStaffByEmail, type StaffDeps } from './staff.service.js';

/** How an invitation is emailed: the jobs to queue the mail with, the rescue's name and the link for a token. */
export interface InvitationMail {
  jobs: JobRegistry;
  rescueName: string;
  linkFor: (token: string) => string;
  /** Who the mail is from (the rescue's name, its Reply-To); Kona's configured From without it. */
  sender?: MailSender;
}

// enqueueMail reads only `.kysely`: handing it the transaction queues the mail with the invitation.
const inTransaction = (tx: Kysely<TenantSchema>) => ({ kysely: tx }) as unknown as Database<TenantSchema>;

function invitationMail(to: string, role: StaffRole, mail: InvitationMail, token: string, validDays: number) {
  return {
    to,
    subject: `You are invited to the ${mail.rescueName} hub`,
    text: [
      'Hello,',
      '',
      `${mail.rescueName} invited you to its hub as ${role}. Create your account here:`,
      '',
      mail.linkFor(token),
      '',
      `The link works once and expires in ${validDays} ${validDays === 1 ? 'day' : 'days'}.`,
    ].join('\n'),
  };
}

/**
 * Invites someone by email: returns the token for the link (shown once; only its hash is stored).
 * With `mail`, the invitation is emailed, queued in the same transaction as the invitation itself.
 */
export async function createInvitation(deps: StaffDeps, input: { email: string; role: StaffRole }, actor: Actor, validDays: number, mail?: InvitationMail) {
  const email = emailSchema.safeParse(input.email);
  const role = roleSchema.safeParse(input.role);
  if (!email.success || !role.success) {
    const fields: Record<string, string> = {};
    if (!email.success) fields.email = email.error.issues[0]!.message;
    if (!role.success) fields.role = role.error.issues[0]!.message;
    throw new KonaError('KONA_ERR_VALIDATION', 'The invitation is not valid.', { fields });
  }
  if (await findStaffByEmail(deps, email.data)) {
    throw new KonaError('KONA_ERR_CONFLICT', 'That person already has an account at this rescue.', { fields: { email: 'already has an account here' } });
  }
  const { token, hash } = newSessionToken();
  return deps.db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('invitations')
      .values({
        token_hash: hash,
        email_enc: deps.keyRing.encrypt(normaliseEmail(email.data)),
        email_hash: emailHash(deps.keyRing, email.data),
        role: role.data,
        invited_by: actor.type === 'staff' ? (actor.id ?? null) : null,
        expires_at: new Date(Date.now() + validDays * 86_400_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (mail) await enqueueMail(inTransaction(tx), mail.jobs, deps.keyRing, { ...mail.sender, ...invitationMail(email.data, role.data, mail, token, validDays) }, { idempotencyKey: `invitation:${id}` });
    await recordAudit(tx, { actor, action: 'invitation.created', target: { type: 'invitation', id }, detail: { role: role.data, emailed: Boolean(mail) } });
    return { id, token };
  });
}

/** The open invitation a link's token belongs to, with its email decrypted; undefined when used, revoked or expired. */
export async function findOpenInvitation(deps: StaffDeps, token: string) {
  const row = await deps.db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row && { id: row.id, role: row.role, email: deps.keyRing.decrypt(row.email_enc), expiresAt: row.expires_at };
}

/** Accepts an invitation: creates the account with the invited role (nothing from the form can change it). */
export async function acceptInvitation(deps: StaffDeps, token: string, input: { name: string; password: string }) {
  const invitation = await findOpenInvitation(deps, token);
  if (!invitation) throw new KonaError('KONA_ERR_NOT_FOUND', 'This invitation link has expired, was already used, or was withdrawn. Ask the rescue for a new one.');
  // Mark it used first: a link clicked twice at once creates one account.
  const claimed = await deps.db
    .updateTable('invitations')
    .set({ accepted_at: new Date() })
    .where('id', '=', invitation.id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n) throw new KonaError('KONA_ERR_CONFLICT', 'This invitation was just used.');
  let staffId: string;
  try {
    staffId = await createStaff(deps, { email: invitation.email, name: input.name, password: input.password, role: invitation.role }, { type: 'public' });
  } catch (err) {
    await deps.db.updateTable('invitations').set({ accepted_at: null }).where('id', '=', invitation.id).execute();
    throw err;
  }
  await recordAudit(deps.db, { actor: { type: 'staff', id: staffId }, action: 'invitation.accepted', target: { type: 'invitation', id: invitation.id } });
  return staffId;
}

/** Accepts an invitation and starts the new member's first session (ending any session the browser had). */
export async function acceptInvitationAndSignIn(deps: StaffDeps, token: string, input: { name: string; password: string }, previousSessionHash?: string) {
  const staffId = await acceptInvitation(deps, token, input);
  if (previousSessionHash) await endStaffSession(deps.db, previousSessionHash);
  const sessionToken = await createStaffSession(deps.db, staffId);
  await recordAudit(deps.db, { actor: { type: 'staff', id: staffId }, action: 'staff.signed_in', target: { type: 'staff', id: staffId } });
  return { staffId, token: sessionToken };
}

/** Invitations not yet used, revoked or expired, newest first. */
export async function listOpenInvitations(deps: StaffDeps) {
  const rows = await deps.db
    .selectFrom('invitations')
    .selectAll()
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, email: deps.keyRing.decrypt(r.email_enc), role: r.role, expiresAt: r.expires_at }));
}

/** Withdraws an invitation so its link stops working. */
export async function revokeInvitation(deps: StaffDeps, id: string, actor: Actor): Promise<void> {
  const res = await deps.db.updateTable('invitations').set({ revoked_at: new Date() }).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
  if (res.numUpdatedRows === 0n) throw new KonaError('KONA_ERR_NOT_FOUND', 'That invitation does not exist or was already used.');
  await recordAudit(deps.db, { actor, action: 'invitation.revoked', target: { type: 'invitation', id } });
}
