import type { Kysely } from 'kysely';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** What the inbox may be narrowed by. */
export interface InboxFilter {
  statuses?: readonly ApplicationStatus[];
  dogId?: string;
}

function filtered(db: Db, f: InboxFilter) {
  let q = db.selectFrom('applications').innerJoin('dogs', 'dogs.id', 'applications.dog_id');
  if (f.statuses?.length) q = q.where('applications.status', 'in', [...f.statuses]);
  if (f.dogId) q = q.where('applications.dog_id', '=', f.dogId);
  return q;
}

/** One page of applications, newest first, with the dog's name. */
export function selectInboxPage(db: Db, f: InboxFilter, page: { limit: number; offset: number }) {
  return filtered(db, f)
    .select(['applications.id', 'applications.status', 'applications.contact_id', 'applications.created_at', 'applications.interview_at', 'dogs.id as dog_id', 'dogs.name as dog_name'])
    .orderBy('applications.created_at', 'desc').orderBy('applications.id', 'desc')
    .limit(page.limit).offset(page.offset).execute();
}

/** How many applications match the filter. */
export async function countInbox(db: Db, f: InboxFilter): Promise<number> {
  const row = await filtered(db, f).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The dogs that have applications, by name (the dog filter's choices). */
export function selectDogsWithApplications(db: Db) {
  return db.selectFrom('dogs').select(['id', 'name'])
    .where((eb) => eb.exists(eb.selectFrom('applications').select('applications.id').whereRef('applications.dog_id', '=', 'dogs.id')))
    .orderBy('name').orderBy('id').execute();
}
