import { sql, type Kysely } from 'kysely';
import type { NotificationKindColumn, StaffRole, TenantSchema } from '../../platform/db/schema.js';

/** What an in-app notification is about. */
export type NotificationKind = NotificationKindColumn;

/** Who receives a notification: every active staff member with one of the roles, plus the named ones. */
export interface NotificationRecipients {
  roles?: StaffRole[];
  staffIds?: string[];
  /** Never notify these (e.g. the person whose action caused the notice). */
  exceptStaffIds?: string[];
}

/** A notification to create; titles and bodies carry no applicant PII (dog names are fine). */
export interface NewNotification {
  kind: NotificationKind;
  title: string;
  body?: string;
  /** A path below the tenant base, e.g. '/hub/applications/<id>'. */
  link?: string;
  recipients: NotificationRecipients;
  /** Once per person per key: a repeat with the same key creates nothing for that person. */
  dedupeKey?: string;
}

const TITLE_MAX = 200;
const BODY_MAX = 2000;

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** True for a path below the tenant base ('/hub/…'), never an absolute or protocol-relative URL. */
export function isLocalLink(link: string): boolean {
  return link.startsWith('/') && !link.startsWith('//') && !link.includes('\\');
}

/**
 * Creates one notification per recipient (active staff only, each person once) and returns how
 * many rows were made. One INSERT … SELECT, so it joins the caller's transaction when given one.
 */
export async function notify(db: Kysely<TenantSchema>, n: NewNotification): Promise<number> {
  const roles = n.recipients.roles ?? [];
  const ids = n.recipients.staffIds ?? [];
  if (roles.length === 0 && ids.length === 0) return 0;
  if (n.link !== undefined && !isLocalLink(n.link)) throw new Error(`notification link must be a local path: ${n.link}`);
  const except = n.recipients.exceptStaffIds ?? [];
  const title = clip(n.title, TITLE_MAX) || n.kind;
  const recipients = db
    .selectFrom('staff')
    .select(['id as staff_id', sql<NotificationKind>`${n.kind}::text`.as('kind'), sql<string>`${title}::text`.as('title'),
      sql<string>`${clip(n.body ?? '', BODY_MAX)}::text`.as('body'), sql<string | null>`${n.link ?? null}::text`.as('link'),
      sql<string | null>`${n.dedupeKey ?? null}::text`.as('dedupe_key')])
    .where('status', '=', 'active')
    .where((eb) => eb.or([...(roles.length ? [eb('role', 'in', roles)] : []), ...(ids.length ? [eb('id', 'in', ids)] : [])]))
    .$if(except.length > 0, (q) => q.where('id', 'not in', except));
  const res = await db
    .insertInto('notifications')
    .columns(['staff_id', 'kind', 'title', 'body', 'link', 'dedupe_key'])
    .expression(recipients)
    .onConflict((oc) => oc.columns(['staff_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n);
}

/** Who hears about a dog when it has no (active) staff contact. */
export const dogFallbackRoles: StaffRole[] = ['admin', 'staff'];

/**
 * Notifies a dog's staff contact, or every active admin and staff member when the dog has none or
 * the contact's account is disabled. `exceptStaffIds` are never notified (e.g. the note's writer).
 */
export async function notifyDogContact(
  db: Kysely<TenantSchema>,
  dog: { staffContactId: string | null },
  n: Omit<NewNotification, 'recipients'> & { exceptStaffIds?: string[] },
): Promise<number> {
  const { exceptStaffIds, ...rest } = n;
  const contact = dog.staffContactId
    ? await db.selectFrom('staff').select('id').where('id', '=', dog.staffContactId).where('status', '=', 'active').executeTakeFirst()
    : undefined;
  const recipients = contact ? { staffIds: [contact.id] } : { roles: dogFallbackRoles };
  return notify(db, { ...rest, recipients: { ...recipients, exceptStaffIds } });
}
