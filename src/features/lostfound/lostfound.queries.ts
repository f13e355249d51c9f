/** Lost and found's SQL: the rescue's setting, the public-safe facts of candidate dogs, messages and their rate limit. */
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** Whether the rescue takes part (true when it never chose: on by default). */
export async function selectTakesPart(db: Db): Promise<{ takesPart: boolean; area: string; name?: string; contactEmail: string }> {
  const row = await db.selectFrom('rescue_settings').select(['lost_and_found', 'area', 'name', 'contact_email']).executeTakeFirst();
  return { takesPart: row?.lost_and_found ?? true, area: row?.area ?? '', name: row?.name, contactEmail: row?.contact_email ?? '' };
}

/** Sets whether the rescue takes part, creating its settings row (named `fallbackName`) if it has none. */
export async function upsertTakesPart(db: Db, on: boolean, fallbackName: string): Promise<void> {
  const now = new Date();
  await db.insertInto('rescue_settings').values({ name: fallbackName, updated_at: now, lost_and_found: on })
    .onConflict((oc) => oc.column('id').doUpdateSet({ lost_and_found: on, updated_at: now })).execute();
}

/** The name of each dog and the original key of each photo, for the given photos (public-safe facts only). */
export function selectCandidateFacts(db: Db, photoIds: string[]) {
  if (photoIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('dog_photos as p').innerJoin('dogs as d', 'd.id', 'p.dog_id')
    .select(['p.id as photo_id', 'p.sha256', 'd.id as dog_id', 'd.name']).where('p.id', 'in', photoIds).where('p.status', '=', 'approved').execute();
}

/** A dog in care, found by the key of one of its approved photos (the reference a contact link carries). */
export function selectDogByPhotoKey(db: Db, sha256: string, inCare: readonly string[]) {
  return db.selectFrom('dog_photos as p').innerJoin('dogs as d', 'd.id', 'p.dog_id').select(['d.id', 'd.name', 'p.sha256', 'p.variants'])
    .where('p.sha256', '=', sha256).where('p.status', '=', 'approved').where('d.status', 'in', [...inCare] as never[]).executeTakeFirst();
}

/** Stores one message (already encrypted). */
export async function insertContact(db: Db, row: { dog_id: string; name_enc: string; email_enc: string; phone_enc: string; message_enc: string }): Promise<string> {
  return (await db.insertInto('lostfound_contacts').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** The newest messages to the rescue (still encrypted), each with its dog's name. */
export function selectContacts(db: Db, limit: number) {
  return db.selectFrom('lostfound_contacts as c').innerJoin('dogs as d', 'd.id', 'c.dog_id')
    .select(['c.id', 'c.dog_id', 'd.name as dog_name', 'c.name_enc', 'c.email_enc', 'c.phone_enc', 'c.message_enc', 'c.created_at'])
    .orderBy('c.created_at', 'desc').orderBy('c.id').limit(limit).execute();
}

/** Deletes messages older than a time; returns how many went. */
export async function deleteContactsBefore(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('lostfound_contacts').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Accepted messages from an address since a time. */
export async function selectAttemptsSince(db: Db, hash: string, since: Date): Promise<Date[]> {
  const rows = await db.selectFrom('lostfound_attempts').select('at').where('address_hash', '=', hash).where('kind', '=', 'contact').where('at', '>=', since).orderBy('at').execute();
  return rows.map((r) => r.at);
}

/** Counts one accepted message from an address. */
export async function insertAttempt(db: Db, hash: string, at: Date): Promise<void> {
  await db.insertInto('lostfound_attempts').values({ address_hash: hash, kind: 'contact', at }).execute();
}
