import { sql, type Kysely } from 'kysely';
import type { ContactRole, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;
type ContactInsert = {
  roles: ContactRole[];
  name_enc: string;
  email_enc: string | null;
  email_hash: string | null;
  phone_enc: string | null;
  phone_hash: string | null;
  address_enc: string | null;
  notes_enc: string | null;
  organisation: string;
  created_by: string | null;
};

/** One contact row by id. */
export function selectContact(db: Db, id: string) {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every contact row (names are decrypted and sorted by the caller), optionally of one role. */
export function selectContacts(db: Db, role?: ContactRole) {
  let q = db.selectFrom('contacts').selectAll();
  if (role) q = q.where(sql<boolean>`roles @> array[${role}::text]`);
  return q.orderBy('created_at', 'desc').execute();
}

/** Contacts whose email or phone blind index matches either hash. */
export function selectContactsByHashes(db: Db, emailHash: string | null, phoneHash: string | null) {
  if (!emailHash && !phoneHash) return Promise.resolve([]);
  return db.selectFrom('contacts').selectAll()
    .where((eb) => eb.or([
      ...(emailHash ? [eb('email_hash', '=', emailHash)] : []),
      ...(phoneHash ? [eb('phone_hash', '=', phoneHash)] : []),
    ]))
    .orderBy('created_at').execute();
}

/** Inserts a contact and returns its id. */
export async function insertContact(db: Db, row: ContactInsert): Promise<string> {
  const { id } = await db.insertInto('contacts').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Updates a contact's columns; true when it existed. */
export async function updateContact(db: Db, id: string, set: Partial<Omit<ContactInsert, 'created_by'>>): Promise<boolean> {
  const res = await db.updateTable('contacts').set({ ...set, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Adds a role to a contact unless it already holds it. */
export async function appendContactRole(db: Db, id: string, role: ContactRole): Promise<void> {
  await db.updateTable('contacts')
    .set({ roles: sql<ContactRole[]>`array_append(roles, ${role}::text)`, updated_at: new Date() })
    .where('id', '=', id).where(sql<boolean>`not (roles @> array[${role}::text])`).execute();
}
