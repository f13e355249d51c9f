import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { PhotoStatus, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { detectImageType, makeVariants } from '../../platform/images/index.js';
import { ensureStored, readLimited, TooLargeError, type BlobStore } from '../../platform/storage/index.js';
import { notifyDogContact } from '../notifications/notifications.public.js';
import { hasPrimary, insertPhoto, selectDogContact, selectPhotoBySha, updatePrimary } from './photos.queries.js';

/** What storing a photo needs: the rescue's database and blob store, and the size limit. */
export interface PhotoDeps {
  db: Kysely<TenantSchema>;
  store: BlobStore;
  maxBytes: number;
}

/** A stored upload: its photo, its status, and whether those bytes were already this dog's photo. */
export interface StoredPhoto {
  photoId: string;
  status: PhotoStatus;
  duplicate: boolean;
}

/**
 * Stores one uploaded photo of a dog: read under the size limit (counted while it streams, in
 * memory, so nothing reaches the disk before it is known to be a photo), checked by content, its
 * original and variants stored, the row written and audited. The same bytes again for the same
 * dog give the existing photo. `approved` is decided by the caller from the uploader's role; a
 * pending photo notifies the dog's staff contact once per `batch` (one upload of several files).
 */
export async function storePhoto(deps: PhotoDeps, dogId: string, source: AsyncIterable<Uint8Array>, by: { actor: Actor; approved: boolean; batch?: string }): Promise<StoredPhoto> {
  const { db, store } = deps;
  // sharp needs the whole file anyway; holding it (at most the limit) also means the bytes never
  // have to be read back from storage, where a concurrent deletion could have just removed them.
  const original = await readLimited(source, deps.maxBytes);
  const detected = await detectImageType(original);
  const sha256 = createHash('sha256').update(original).digest('hex');
  const existing = await selectPhotoBySha(db, dogId, sha256);
  if (existing) return { photoId: existing.id, status: existing.status, duplicate: true };
  const derived = await derive(store, sha256, original);
  const staffId = by.actor.id ?? null;
  const status: PhotoStatus = by.approved ? 'approved' : 'pending';
  const stored = await db.transaction().execute(async (tx) => {
    const id = await insertPhoto(tx, { dog_id: dogId, sha256, variants: derived.variants, width: detected.width, height: detected.height, status, uploaded_by: staffId, approved_by: by.approved ? staffId : null });
    if (!id) {
      // The same bytes arrived twice at once; the other upload wrote the row.
      const row = (await selectPhotoBySha(tx, dogId, sha256))!;
      return { photoId: row.id, status: row.status, duplicate: true };
    }
    if (by.approved && !(await hasPrimary(tx, dogId))) await updatePrimary(tx, dogId, id);
    await recordAudit(tx, { actor: by.actor, action: 'photo.uploaded', target: { type: 'dog', id: dogId }, detail: { photo: id, status } });
    if (status === 'pending') await noticePending(tx, dogId, by.batch ?? id, staffId);
    return { photoId: id, status, duplicate: false };
  });
  // The row is committed: if a concurrent photo deletion released these bytes meanwhile (see
  // releaseBlobs), store them again. A duplicate's row was written by an upload that does the same.
  if (!stored.duplicate) await ensureStored(store, derived.blobs);
  return stored;
}

// The dedupe key is per dog and upload: ten photos in one batch make one notice per person.
async function noticePending(tx: Kysely<TenantSchema>, dogId: string, batch: string, uploaderId: string | null) {
  const dog = await selectDogContact(tx, dogId);
  await notifyDogContact(tx, { staffContactId: dog.staff_contact_id }, {
    kind: 'photo.pending', title: `Photo awaiting approval for ${dog.name}`, body: `A foster uploaded photos of ${dog.name}; they appear publicly once approved.`,
    link: `/hub/dogs/${dogId}#photos`, dedupeKey: `photo.pending:${dogId}:${batch}`, exceptStaffIds: uploaderId ? [uploaderId] : [],
  });
}

/** Stores a photo already held in memory (the demo seed's generated pictures), as {@link storePhoto} does. */
export function storePhotoBuffer(deps: PhotoDeps, dogId: string, data: Buffer, by: { actor: Actor; approved: boolean }): Promise<StoredPhoto> {
  return storePhoto(deps, dogId, Readable.from([data]), by);
}

// Makes every variant first (CPU only, so a photo sharp cannot decode leaves nothing behind), then
// stores the original and each variant under its own hash.
async function derive(store: BlobStore, sha256: string, original: Buffer) {
  const made = await makeVariants(original);
  const blobs: { key: string; data: Buffer }[] = [{ key: sha256, data: original }];
  const variants: Record<string, string> = {};
  await store.putStream(Readable.from([original]), { maxBytes: original.byteLength });
  for (const v of made) {
    const stored = await store.putStream(Readable.from([v.data]), { maxBytes: v.data.byteLength });
    variants[`${v.name}.${v.format === 'jpeg' ? 'jpg' : 'webp'}`] = stored.sha256;
    blobs.push({ key: stored.sha256, data: v.data });
  }
  return { variants, blobs };
}

/** Whether an upload error is one the person can act on (wrong type, too large) rather than a fault. */
export function isUploadRefusal(err: unknown): err is KonaError {
  return err instanceof TooLargeError || (err instanceof KonaError && ['KONA_ERR_UNSUPPORTED_MEDIA_TYPE', 'KONA_ERR_PAYLOAD_TOO_LARGE', 'KONA_ERR_VALIDATION', 'KONA_ERR_BAD_REQUEST'].includes(err.code));
}
