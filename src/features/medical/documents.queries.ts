import type { Insertable, Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

const columns = ['id', 'dog_id', 'sha256', 'content_type', 'size_bytes', 'title', 'original_name', 'vaccination_id', 'treatment_id', 'visit_id', 'uploaded_by', 'created_at'] as const;

/** A medical document as the queries return it. */
export type DocumentRow = NonNullable<Awaited<ReturnType<typeof selectDocument>>>;

/** One document of one dog. */
export function selectDocument(db: Db, dogId: string, id: string) {
  return db.selectFrom('medical_documents').select(columns).where('dog_id', '=', dogId).where('id', '=', id).executeTakeFirst();
}

/** A dog's documents, the latest first. */
export function selectDocuments(db: Db, dogId: string) {
  return db.selectFrom('medical_documents').select(columns).where('dog_id', '=', dogId).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** The dog's document stored under these bytes, if any (the same bytes are the same document). */
export function selectDocumentBySha(db: Db, dogId: string, sha256: string) {
  return db.selectFrom('medical_documents').select(['id', 'title']).where('dog_id', '=', dogId).where('sha256', '=', sha256).executeTakeFirst();
}

/** Records a document and returns its id; undefined when the dog already has a document of these bytes. */
export async function insertDocument(db: Db, row: Insertable<TenantSchema['medical_documents']>): Promise<string | undefined> {
  const res = await db.insertInto('medical_documents').values(row).onConflict((oc) => oc.columns(['dog_id', 'sha256']).doNothing()).returning('id').executeTakeFirst();
  return res?.id;
}

/** Deletes one document of a dog and returns its blob key; undefined when there was none. */
export async function deleteDocumentRow(db: Db, dogId: string, id: string): Promise<string | undefined> {
  return (await db.deleteFrom('medical_documents').where('dog_id', '=', dogId).where('id', '=', id).returning('sha256').executeTakeFirst())?.sha256;
}

/** Whether any document of any dog is stored under this blob key. */
export async function documentReferencesBlob(db: Db, key: string): Promise<boolean> {
  return !!(await db.selectFrom('medical_documents').select('id').where('sha256', '=', key).limit(1).executeTakeFirst());
}

/**
 * Whether a vet's upload still waiting for staff is stored under this blob key (the vets feature
 * writes `vet_uploads`; the check lives here because the vets feature imports medical, not the
 * other way round). An accepted upload is a document, so the check above covers it.
 */
export async function vetUploadReferencesBlob(db: Db, key: string): Promise<boolean> {
  return !!(await db.selectFrom('vet_uploads').select('id').where('sha256', '=', key).where('status', '=', 'pending').limit(1).executeTakeFirst());
}

/** Whether the dog has this vaccination, treatment or visit (a document may be linked to it). */
export async function entryBelongsToDog(db: Db, table: 'vaccinations' | 'treatments' | 'vet_visits', dogId: string, id: string): Promise<boolean> {
  return !!(await db.selectFrom(table).select('id').where('dog_id', '=', dogId).where('id', '=', id).executeTakeFirst());
}
