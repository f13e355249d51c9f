import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { prepareDocument } from '../../platform/images/index.js';
import { ensureStored, readLimited, releaseBlobs, type BlobReferenceCheck, type BlobStore } from '../../platform/storage/index.js';
import { getDog } from '../dogs/dogs.public.js';
import { photoReferencesBlob } from '../photos/photos.public.js';
import { deleteDocumentRow, documentReferencesBlob, entryBelongsToDog, vetUploadReferencesBlob, insertDocument, selectDocument, selectDocumentBySha, type DocumentRow } from './documents.queries.js';
import { titleFromFileName } from './documents.names.js';
import type { DocumentFormInput } from './medical.schema.js';

type Db = Kysely<TenantSchema>;

/** What storing a document needs: the rescue's database and blob store, and the size limit. */
export interface DocumentDeps {
  db: Db;
  store: BlobStore;
  maxBytes: number;
}

const linkTables = { vaccination: 'vaccinations', treatment: 'treatments', visit: 'vet_visits' } as const;
const linkColumns = { vaccination: 'vaccination_id', treatment: 'treatment_id', visit: 'visit_id' } as const;

/** Every table in a rescue that holds blob keys, for {@link releaseBlobs}: photos, documents and vets' pending uploads. */
export function rescueBlobChecks(db: Db): BlobReferenceCheck[] {
  return [(key) => photoReferencesBlob(db, key), (key) => documentReferencesBlob(db, key), (key) => vetUploadReferencesBlob(db, key)];
}

/** Checks the upload's fields before any of the file is read: the dog exists and the link is one of its entries. */
export async function checkDocumentFields(db: Db, dogId: string, input: DocumentFormInput): Promise<void> {
  await getDog(db, dogId);
  if (!input.link) return;
  const [kind, id] = input.link.split(':') as [keyof typeof linkTables, string];
  if (!(await entryBelongsToDog(db, linkTables[kind], dogId, id))) {
    throw new KonaError('KONA_ERR_VALIDATION', 'The document was not attached: the entry it was meant for no longer exists. Choose another.', { fields: { link: 'choose one of the listed entries' } });
  }
}

/** A stored document: its id, and whether the dog already had it (the same bytes: nothing new was stored). */
export interface StoredDocument {
  id: string;
  duplicate: boolean;
}

/**
 * Stores one uploaded document of a dog: read under the size limit (in memory, so nothing past the
 * limit reaches the disk), checked by content (PDF or image), images re-encoded without metadata,
 * stored under the sha256 of the kept bytes, the row written and audited. The same bytes again for
 * the same dog give the existing document. Call {@link checkDocumentFields} first.
 */
export async function storeDocument(deps: DocumentDeps, dogId: string, source: AsyncIterable<Uint8Array>, input: DocumentFormInput & { originalName: string }, actor: Actor): Promise<StoredDocument> {
  const { db, store } = deps;
  const prepared = await prepareDocument(await readLimited(source, deps.maxBytes));
  const existing = await selectDocumentBySha(db, dogId, createHash('sha256').update(prepared.data).digest('hex'));
  if (existing) return { id: existing.id, duplicate: true };
  const put = await store.putStream(Readable.from([prepared.data]), { maxBytes: prepared.data.byteLength });
  const [kind, linkId] = input.link ? (input.link.split(':') as [keyof typeof linkColumns, string]) : [undefined, undefined];
  const stored = await db.transaction().execute(async (tx): Promise<StoredDocument> => {
    const docId = await insertDocument(tx, {
      dog_id: dogId,
      sha256: put.sha256,
      content_type: prepared.contentType,
      size_bytes: put.size,
      title: input.title || titleFromFileName(input.originalName),
      original_name: input.originalName,
      ...(kind ? { [linkColumns[kind]]: linkId } : {}),
      uploaded_by: actor.type === 'staff' ? (actor.id ?? null) : null,
    });
    // The same bytes arrived twice at once (a double submit): the other upload wrote the row.
    if (!docId) return { id: (await selectDocumentBySha(tx, dogId, put.sha256))!.id, duplicate: true };
    await recordAudit(tx, { actor, action: 'medical.document_added', target: { type: 'dog', id: dogId }, detail: { document_id: docId } });
    return { id: docId, duplicate: false };
  }).catch(async (err: unknown) => {
    // No row points at the bytes: give them back (unless something else uses them) before failing.
    await releaseBlobs(store, [put.sha256], rescueBlobChecks(db)).catch(() => undefined);
    throw err;
  });
  // The row is committed: if a concurrent delete released these bytes meanwhile, store them again.
  // A duplicate's row was written by an upload that does the same.
  if (!stored.duplicate) await ensureStored(store, [{ key: put.sha256, data: prepared.data }]);
  return stored;
}

/** Bytes already in the rescue's blob store, to be recorded as a dog's document. */
export interface StoredBlob {
  sha256: string;
  contentType: DocumentRow['content_type'];
  size: number;
  title: string;
  originalName: string;
}

/**
 * Records bytes already stored (checked and re-encoded when they were received, e.g. a vet's
 * upload) as a document of the dog, uploaded by `actor`, audited. The dog's document of the same
 * bytes, when there is one, is returned instead of a second.
 */
export async function attachStoredDocument(db: Db, dogId: string, blob: StoredBlob, actor: Actor): Promise<StoredDocument> {
  await getDog(db, dogId);
  return db.transaction().execute(async (tx): Promise<StoredDocument> => {
    const docId = await insertDocument(tx, {
      dog_id: dogId, sha256: blob.sha256, content_type: blob.contentType, size_bytes: blob.size,
      title: blob.title || titleFromFileName(blob.originalName), original_name: blob.originalName,
      uploaded_by: actor.type === 'staff' ? (actor.id ?? null) : null,
    });
    if (!docId) return { id: (await selectDocumentBySha(tx, dogId, blob.sha256))!.id, duplicate: true };
    await recordAudit(tx, { actor, action: 'medical.document_added', target: { type: 'dog', id: dogId }, detail: { document_id: docId } });
    return { id: docId, duplicate: false };
  });
}

/** One document of a dog, for download; a 404 when there is none. */
export async function documentOf(db: Db, dogId: string, id: string): Promise<DocumentRow> {
  const row = await selectDocument(db, dogId, id);
  if (!row) throw notFound('That document');
  return row;
}

/** Deletes a document (audited), then its file unless another photo or document uses the same bytes. */
export async function deleteDocument(deps: Pick<DocumentDeps, 'db' | 'store'>, dogId: string, id: string, actor: Actor): Promise<void> {
  const { db, store } = deps;
  await getDog(db, dogId);
  const sha256 = await db.transaction().execute(async (tx) => {
    const key = await deleteDocumentRow(tx, dogId, id);
    if (!key) throw notFound('That document');
    await recordAudit(tx, { actor, action: 'medical.document_deleted', target: { type: 'dog', id: dogId }, detail: { document_id: id } });
    return key;
  });
  await releaseBlobs(store, [sha256], rescueBlobChecks(db));
}
