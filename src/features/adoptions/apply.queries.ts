import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** The application a form's idempotency key created, if any. */
export function selectApplicationByKey(db: Db, key: string) {
  return db.selectFrom('applications').select(['id', 'dog_id', 'contact_id', 'idempotency_key']).where('idempotency_key', '=', key).executeTakeFirst();
}

/** An application with its dog's name, for the confirmation page. */
export function selectReceived(db: Db, id: string) {
  return db.selectFrom('applications').innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .select(['applications.id', 'applications.idempotency_key', 'dogs.name as dog_name', 'dogs.id as dog_id'])
    .where('applications.id', '=', id).executeTakeFirst();
}

/** Inserts a new application with its first event and returns its id. */
export async function insertApplication(db: Db, row: { dog_id: string; contact_id: string; answers_enc: string; idempotency_key: string }): Promise<string> {
  const { id } = await db.insertInto('applications').values(row).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('application_events').values({ application_id: id, kind: 'status', from_status: null, to_status: 'new', actor_id: null }).execute();
  return id;
}

/** Submission times from one address since a moment, oldest first. */
export async function selectAttemptsSince(db: Db, addressHash: string, since: Date): Promise<Date[]> {
  const rows = await db.selectFrom('application_attempts').select('attempted_at')
    .where('address_hash', '=', addressHash).where('attempted_at', '>', since).orderBy('attempted_at').execute();
  return rows.map((r) => r.attempted_at);
}

/** Records one accepted submission from an address. */
export async function insertAttempt(db: Db, addressHash: string): Promise<void> {
  await db.insertInto('application_attempts').values({ address_hash: addressHash, attempted_at: new Date() }).execute();
}

/** Deletes attempts older than a moment (they no longer count); returns how many. */
export async function deleteAttemptsBefore(db: Db, before: Date): Promise<number> {
  const res = await db.deleteFrom('application_attempts').where('attempted_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}
