import type { Insertable, Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;
type ContractRow = TenantSchema['adoption_contracts'];

/** The rescue's saved template text, if an admin saved one. */
export async function selectTemplate(db: Db): Promise<string | undefined> {
  return (await db.selectFrom('adoption_contract_template').select('body').executeTakeFirst())?.body;
}

/** Saves the template (one row). */
export async function upsertTemplate(db: Db, body: string, staffId: string | null): Promise<void> {
  await db
    .insertInto('adoption_contract_template')
    .values({ id: true, body, updated_by: staffId, updated_at: new Date() })
    .onConflict((oc) => oc.column('id').doUpdateSet({ body, updated_by: staffId, updated_at: new Date() }))
    .execute();
}

/** Retires the live contract of an application (its link stops working); signed ones are never retired. */
export async function supersedeLiveContract(db: Db, applicationId: string): Promise<void> {
  await db
    .updateTable('adoption_contracts')
    .set({ superseded_at: new Date() })
    .where('application_id', '=', applicationId)
    .where('superseded_at', 'is', null)
    .where('signed_at', 'is', null)
    .execute();
}

/** Stores a prepared contract and returns its id. */
export async function insertContract(db: Db, row: Insertable<ContractRow>): Promise<string> {
  return (await db.insertInto('adoption_contracts').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** An application's live contract (prepared or signed), if any. */
export function selectLiveContract(db: Db, applicationId: string) {
  return db.selectFrom('adoption_contracts').selectAll().where('application_id', '=', applicationId).where('superseded_at', 'is', null).executeTakeFirst();
}

/** The contract a signing link's token belongs to (live or not: the page says why it cannot be signed). */
export function selectContractByTokenHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('adoption_contracts')
    .innerJoin('applications', 'applications.id', 'adoption_contracts.application_id')
    .innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .selectAll('adoption_contracts')
    .select(['dogs.name as dog_name', 'dogs.staff_contact_id as dog_staff_contact_id', 'applications.status as application_status'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** What signing records on the row. */
export interface SignedFields {
  signed_at: Date;
  signature_method: 'drawn' | 'typed';
  signer_name_enc: string;
  signer_ip_enc: string;
  signer_ua_enc: string;
  pdf_sha256: string;
}

/** Marks a contract signed unless it already is, was retired or expired; false when another request won. */
export async function markSigned(db: Db, id: string, fields: SignedFields): Promise<boolean> {
  const res = await db
    .updateTable('adoption_contracts')
    .set(fields)
    .where('id', '=', id)
    .where('signed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', fields.signed_at)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Whether a signed contract's PDF is stored under this blob key. */
export async function contractReferencesPdf(db: Db, key: string): Promise<boolean> {
  return !!(await db.selectFrom('adoption_contracts').select('id').where('pdf_sha256', '=', key).limit(1).executeTakeFirst());
}

function signedAwaitingCompletion(db: Db) {
  return db
    .selectFrom('adoption_contracts')
    .innerJoin('applications', 'applications.id', 'adoption_contracts.application_id')
    .where('adoption_contracts.superseded_at', 'is', null)
    .where('adoption_contracts.signed_at', 'is not', null)
    .where('applications.status', '=', 'approved');
}

/** How many approved applications have a signed live contract: adoptions staff can now complete. */
export async function countSignedAwaitingCompletion(db: Db): Promise<number> {
  const row = await signedAwaitingCompletion(db).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Those applications with their dog and when the contract was signed, oldest signature first. */
export function selectSignedAwaitingCompletion(db: Db) {
  return signedAwaitingCompletion(db)
    .innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .select(['applications.id', 'dogs.name as dog_name', 'adoption_contracts.signed_at'])
    .orderBy('adoption_contracts.signed_at').orderBy('applications.id')
    .execute();
}
