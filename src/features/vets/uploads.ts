/**
 * Documents a vet sends under a grant: checked and cleaned like the rescue's own medical documents
 * (PDF, JPEG, PNG or WebP by content; images re-encoded without metadata; the same size limit),
 * stored in the rescue's content-addressed blob store, and held as pending `vet_uploads` until a
 * member of staff accepts one into the dog's medical documents or declines it.
 */
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import type { AppContext } from '../../platform/http/context.js';
import { prepareDocument } from '../../platform/images/index.js';
import { ensureStored, readLimited, releaseBlobs, type BlobStore } from '../../platform/storage/index.js';
import { attachStoredDocument, rescueBlobChecks } from '../medical/medical.public.js';
import { notify } from '../notifications/notifications.public.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { auditGrant, type GrantRow } from './grants.js';

type Db = Kysely<TenantSchema>;

/** The upload form's fields besides the file. */
export const uploadFieldsSchema = z.object({ title: z.string().trim().min(1, 'give the document a title').max(200, 'keep the title under 200 characters') });

/** A rescue's blob store (the one its photos and documents live in). */
export function rescueStore(ctx: AppContext, slug: string): BlobStore {
  return photoStoreFor(ctx.config.uploadsDir, slug);
}

/** Largest document a vet may send, in bytes (the rescue's own limit, KONA_DOCUMENT_MAX_MB). */
export function vetUploadMaxBytes(ctx: AppContext): number {
  return ctx.config.settings.KONA_DOCUMENT_MAX_MB * 1024 * 1024;
}

/** What storing one vet upload needs. */
export interface VetUploadDeps {
  ctx: AppContext;
  db: Db;
  store: BlobStore;
  maxBytes: number;
}

/**
 * Reads, checks and stores one file a vet sent, then records it as pending for the rescue, notifies
 * its admins and staff, and audits it. The same bytes sent again under the grant give the first upload.
 */
export async function storeVetUpload(deps: VetUploadDeps, grant: GrantRow, dogName: string, source: AsyncIterable<Uint8Array>, meta: { title: string; originalName: string }): Promise<{ id: string; duplicate: boolean }> {
  const bytes = await readLimited(source, deps.maxBytes);
  if (bytes.byteLength === 0) throw new KonaError('KONA_ERR_BAD_REQUEST', 'The file is empty. Choose the document again and send it.');
  const prepared = await prepareDocument(bytes);
  const put = await deps.store.putStream(Readable.from([prepared.data]), { maxBytes: prepared.data.byteLength });
  const row = { grant_id: grant.id, dog_id: grant.dog_id, vet_id: grant.vet_id, sha256: put.sha256, content_type: prepared.contentType, size_bytes: put.size, title: meta.title, original_name: meta.originalName };
  const stored = await deps.db.transaction().execute(async (tx) => {
    // The same bytes again: a pending or accepted upload is found; a declined one is asked about afresh.
    const inserted = await tx.insertInto('vet_uploads').values(row)
      .onConflict((oc) => oc.columns(['grant_id', 'sha256']).doUpdateSet({ status: 'pending', title: row.title, original_name: row.original_name, decided_by: null, decided_at: null, created_at: sql`now()` }).where('vet_uploads.status', '=', 'declined'))
      .returning('id').executeTakeFirst();
    if (!inserted) return { id: (await tx.selectFrom('vet_uploads').select('id').where('grant_id', '=', grant.id).where('sha256', '=', put.sha256).executeTakeFirstOrThrow()).id, duplicate: true };
    await notify(tx, {
      kind: 'vet.upload', title: `A vet sent a document about ${dogName}`, body: 'It waits for someone to accept it into the medical record or decline it.',
      link: `/hub/vet-grants/${grant.id}`, recipients: { roles: ['admin', 'staff'] },
    });
    return { id: inserted.id, duplicate: false };
  }).catch(async (err: unknown) => {
    await releaseBlobs(deps.store, [put.sha256], rescueBlobChecks(deps.db)).catch(() => undefined);
    throw err;
  });
  // The row is committed: if a concurrent release removed these bytes meanwhile, store them again.
  await ensureStored(deps.store, [{ key: put.sha256, data: prepared.data }]);
  if (!stored.duplicate) await auditGrant(deps.ctx, deps.db, grant, { type: 'vet', id: grant.vet_id }, 'vet.document_uploaded', { upload_id: stored.id });
  return stored;
}

/** A grant's uploads, the latest first. */
export function uploadsOf(db: Db, grantId: string) {
  return db.selectFrom('vet_uploads').select(['id', 'title', 'content_type', 'size_bytes', 'status', 'created_at', 'medical_document_id']).where('grant_id', '=', grantId)
    .orderBy('created_at', 'desc').orderBy('id').execute();
}

/** One upload of a grant as the list shows it. */
export type VetUploadRow = Awaited<ReturnType<typeof uploadsOf>>[number];

async function pendingUpload(db: Db, grantId: string, uploadId: string) {
  const row = z.uuid().safeParse(uploadId).success
    ? await db.selectFrom('vet_uploads').selectAll().where('grant_id', '=', grantId).where('id', '=', uploadId).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('That upload');
  if (row.status !== 'pending') throw new KonaError('KONA_ERR_CONFLICT', 'This document was already accepted or declined. Reload the page to see where it stands.');
  return row;
}

/**
 * Accepts a pending upload: the same stored bytes become a medical document of the dog, uploaded by
 * the accepting member (an existing document of the same bytes is found, not duplicated).
 */
export async function acceptVetUpload(ctx: AppContext, db: Db, grant: GrantRow, uploadId: string, actor: Actor & { id: string }, now: number): Promise<string> {
  const upload = await pendingUpload(db, grant.id, uploadId);
  const doc = await attachStoredDocument(db, grant.dog_id, { sha256: upload.sha256, contentType: upload.content_type, size: upload.size_bytes, title: upload.title, originalName: upload.original_name }, actor);
  const decided = await db.updateTable('vet_uploads').set({ status: 'accepted', decided_by: actor.id, decided_at: new Date(now), medical_document_id: doc.id }).where('id', '=', upload.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
  // Accepted twice at once: the other click recorded it (the document is the same one).
  if (!decided) return doc.id;
  await auditGrant(ctx, db, grant, actor, 'vet.document_accepted', { upload_id: upload.id, document_id: doc.id });
  return doc.id;
}

/** Declines a pending upload and gives its bytes back unless something else of the rescue uses them. */
export async function declineVetUpload(ctx: AppContext, db: Db, store: BlobStore, grant: GrantRow, uploadId: string, actor: Actor & { id: string }, now: number): Promise<void> {
  const upload = await pendingUpload(db, grant.id, uploadId);
  const decided = await db.updateTable('vet_uploads').set({ status: 'declined', decided_by: actor.id, decided_at: new Date(now) }).where('id', '=', upload.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
  if (!decided) throw new KonaError('KONA_ERR_CONFLICT', 'This document was already accepted or declined. Reload the page to see where it stands.');
  await auditGrant(ctx, db, grant, actor, 'vet.document_declined', { upload_id: upload.id });
  await releaseBlobs(store, [upload.sha256], rescueBlobChecks(db));
}
