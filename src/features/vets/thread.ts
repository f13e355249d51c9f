/**
 * The message thread of a grant: what a vet and the rescue's staff say to each other about one dog.
 * Bodies are encrypted at rest; audit entries hold ids only. A vet's message notifies the rescue's
 * admins and staff in the hub; a staff reply emails the vet that there is a new message (never its text).
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { AppContext } from '../../platform/http/context.js';
import { enqueueMail } from '../../platform/mail/index.js';
import { notify } from '../notifications/notifications.public.js';
import { auditGrant, type GrantRow } from './grants.js';

type Db = Kysely<TenantSchema>;

/** Longest message, in characters. */
export const messageMaxChars = 4000;

/** A message as posted: 1 to 4000 characters once trimmed. */
export const messageSchema = z.object({
  body: z.string().trim().min(1, 'write a message').max(messageMaxChars, `keep it under ${messageMaxChars} characters`),
});

/** One message of a thread, decrypted for the page. */
export interface ThreadMessage {
  id: string;
  authorType: 'vet' | 'staff';
  /** The vet's name, or the staff member's name (the rescue's name for the vet's page). */
  author: string;
  body: string;
  at: Date;
}

/** A grant's messages, oldest first; `staffName` names a staff author (undefined: "the rescue"). */
export async function threadOf(ctx: AppContext, db: Db, grant: Pick<GrantRow, 'id' | 'vet_name_enc'>, staffName?: (id: string) => string | undefined): Promise<ThreadMessage[]> {
  const ring = ctx.secrets.keyRing;
  const rows = await db.selectFrom('vet_messages').select(['id', 'author_type', 'author_id', 'body_enc', 'created_at']).where('grant_id', '=', grant.id).orderBy('created_at').orderBy('id').execute();
  const vetName = ring.decrypt(grant.vet_name_enc);
  return rows.map((r) => ({
    id: r.id, authorType: r.author_type, body: ring.decrypt(r.body_enc), at: r.created_at,
    author: r.author_type === 'vet' ? vetName : (staffName?.(r.author_id) ?? 'The rescue'),
  }));
}

/** Staff names by id, for a thread seen in the hub. */
export async function staffNames(ctx: AppContext, db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('staff').select(['id', 'name_enc']).execute();
  return new Map(rows.map((r) => [r.id, ctx.secrets.keyRing.decrypt(r.name_enc)]));
}

/** Stores a vet's message (encrypted), notifies the rescue's admins and staff, and audits it on both sides. */
export async function postVetMessage(ctx: AppContext, db: Db, grant: GrantRow, dogName: string, body: string, now: number): Promise<string> {
  const actor: Actor = { type: 'vet', id: grant.vet_id };
  const id = await db.transaction().execute(async (tx) => {
    const { id } = await tx.insertInto('vet_messages').values({ grant_id: grant.id, dog_id: grant.dog_id, author_type: 'vet', author_id: grant.vet_id, body_enc: ctx.secrets.keyRing.encrypt(body), created_at: new Date(now) })
      .returning('id').executeTakeFirstOrThrow();
    await notify(tx, {
      kind: 'vet.message', title: `A vet wrote about ${dogName}`, body: 'Open the vet access page to read it and reply.',
      link: `/hub/vet-grants/${grant.id}`, recipients: { roles: ['admin', 'staff'] }, dedupeKey: `vet.message:${id}`,
    });
    return id;
  });
  await auditGrant(ctx, db, grant, actor, 'vet.message_posted', { message_id: id });
  return id;
}

/**
 * Stores a staff reply (encrypted), audits it, and emails the vet through the control plane's
 * outbox that there is a new message, with a link to the grant page and without the text.
 */
export async function postStaffMessage(ctx: AppContext, db: Db, grant: GrantRow, staffId: string, body: string, now: number): Promise<string> {
  const ring = ctx.secrets.keyRing;
  const { id } = await db.insertInto('vet_messages').values({ grant_id: grant.id, dog_id: grant.dog_id, author_type: 'staff', author_id: staffId, body_enc: ring.encrypt(body), created_at: new Date(now) })
    .returning('id').executeTakeFirstOrThrow();
  await auditGrant(ctx, db, grant, { type: 'staff', id: staffId }, 'vet.message_replied', { message_id: id });
  const text = [
    'Hello,', '', 'A rescue you are working with replied on Kona about a dog in its care. Sign in to read the message:', '',
    `${ctx.config.publicUrl.origin}/vet/access/${grant.id}`, '',
    'For privacy the message itself is not in this email.',
  ].join('\n');
  await enqueueMail(ctx.control, ctx.jobs, ring, { to: ring.decrypt(grant.vet_email_enc), subject: 'Kona: a new message from a rescue', text }, { idempotencyKey: `vet-message:${id}` });
  return id;
}
