import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** One person's notifications, newest first, a page at a time. */
export function selectNotifications(db: Db, staffId: string, limit: number, offset: number) {
  return db
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'link', 'read_at', 'created_at'])
    .where('staff_id', '=', staffId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** A notification row as the list shows it. */
export type NotificationRow = Awaited<ReturnType<typeof selectNotifications>>[number];

/** How many notifications a person has, and how many of them are unread. */
export async function countNotifications(db: Db, staffId: string): Promise<{ total: number; unread: number }> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => [eb.fn.countAll<string>().as('total'), eb.fn.count<string>('id').filterWhere('read_at', 'is', null).as('unread')])
    .where('staff_id', '=', staffId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), unread: Number(row.unread) };
}

/** Unread notifications of a person: the header's count, served by the (staff_id, read_at, …) index. */
export async function countUnread(db: Db, staffId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('staff_id', '=', staffId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of a person's notifications read (kept if already read); its link, or undefined when it is not theirs. */
export async function markRead(db: Db, staffId: string, id: string): Promise<{ link: string | null } | undefined> {
  return db
    .updateTable('notifications')
    .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(new Date())) }))
    .where('id', '=', id)
    .where('staff_id', '=', staffId)
    .returning('link')
    .executeTakeFirst();
}

/** Marks every unread notification of a person read; returns how many changed. */
export async function markAllRead(db: Db, staffId: string): Promise<number> {
  const res = await db.updateTable('notifications').set({ read_at: new Date() }).where('staff_id', '=', staffId).where('read_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Each dog's staff contact, by dog id. */
export async function selectDogContacts(db: Db, dogIds: string[]): Promise<Map<string, string | null>> {
  if (dogIds.length === 0) return new Map();
  const rows = await db.selectFrom('dogs').select(['id', 'staff_contact_id']).where('id', 'in', dogIds).execute();
  return new Map(rows.map((r) => [r.id, r.staff_contact_id]));
}

/** The active foster account caring for each dog now (its open foster assignment), with its encrypted name and email. */
export async function selectCurrentFosters(db: Db, dogIds: string[]) {
  if (dogIds.length === 0) return new Map<string, { id: string; name_enc: string; email_enc: string }>();
  const rows = await db
    .selectFrom('foster_assignments')
    .innerJoin('staff', 'staff.id', 'foster_assignments.foster_id')
    .select(['foster_assignments.dog_id', 'staff.id', 'staff.name_enc', 'staff.email_enc'])
    .where('foster_assignments.dog_id', 'in', dogIds)
    .where('foster_assignments.ended_on', 'is', null)
    .where('staff.status', '=', 'active')
    .execute();
  return new Map(rows.map((r) => [r.dog_id, { id: r.id, name_enc: r.name_enc, email_enc: r.email_enc }]));
}

/** A person's unread notifications of one kind (the dashboard's "unread foster notes"). */
export async function countUnreadOfKind(db: Db, staffId: string, kind: TenantSchema['notifications']['kind']): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('staff_id', '=', staffId)
    .where('read_at', 'is', null)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
