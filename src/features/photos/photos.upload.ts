import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { PhotoStatus, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { detectImageType, makeVariants } from '../../platform/images/index.js';
import { TooLargeError, type BlobStore } from '../../platform/storage/index.js';
import { hasPrimary, insertPhoto, selectPhotoBySha, updatePrimary } from './photos.queries.js';

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
 * Stores one uploaded photo of a dog: the original streamed in under the size limit, checked by
 * content, its variants derived and stored, the row written and audited. The same bytes again for
 * the same dog give the existing photo. `approved` is decided by the caller from the uploader's role.
 */
export async function storePhoto(deps: PhotoDeps, dogId: string, source: AsyncIterable<Uint8Array>, by: { actor: Actor; approved: boolean }): Promise<StoredPhoto> {
  const { db, store } = deps;
  const put = await store.putStream(source, { maxBytes: deps.maxBytes });
  const existing = await selectPhotoBySha(db, dogId, put.sha256);
  if (existing) return { photoId: existing.id, status: existing.status, duplicate: true };
  let derived: Awaited<ReturnType<typeof derive>>;
  try {
    derived = await derive(store, put.sha256);
  } catch (err) {
    // Only bytes this upload brought in are removed: the same key may belong to another record.
    if (put.created) await store.delete(put.sha256);
    throw err;
  }
  const staffId = by.actor.id ?? null;
  const status: PhotoStatus = by.approved ? 'approved' : 'pending';
  return db.transaction().execute(async (tx) => {
    const id = await insertPhoto(tx, { dog_id: dogId, sha256: put.sha256, variants: derived.variants, width: derived.width, height: derived.height, status, uploaded_by: staffId, approved_by: by.approved ? staffId : null });
    if (!id) {
      // The same bytes arrived twice at once; the other upload wrote the row.
      const row = (await selectPhotoBySha(tx, dogId, put.sha256))!;
      return { photoId: row.id, status: row.status, duplicate: true };
    }
    if (by.approved && !(await hasPrimary(tx, dogId))) await updatePrimary(tx, dogId, id);
    await recordAudit(tx, { actor: by.actor, action: 'photo.uploaded', target: { type: 'dog', id: dogId }, detail: { photo: id, status } });
    return { photoId: id, status, duplicate: false };
  });
}

/** Stores a photo already held in memory (the demo seed's generated pictures), as {@link storePhoto} does. */
export function storePhotoBuffer(deps: PhotoDeps, dogId: string, data: Buffer, by: { actor: Actor; approved: boolean }): Promise<StoredPhoto> {
  return storePhoto(deps, dogId, Readable.from([data]), by);
}

// Reads the stored original back (bounded by the upload limit), checks it by content and stores
// each variant under its own hash.
async function derive(store: BlobStore, sha256: string) {
  const blob = await store.get(sha256);
  if (!blob) throw new Error(`blob ${sha256} vanished right after it was stored`);
  const original = await buffer(blob.stream);
  const detected = await detectImageType(original);
  const variants: Record<string, string> = {};
  for (const v of await makeVariants(original)) {
    const stored = await store.putStream(Readable.from([v.data]), { maxBytes: v.data.byteLength });
    variants[`${v.name}.${v.format === 'jpeg' ? 'jpg' : 'webp'}`] = stored.sha256;
  }
  return { variants, width: detected.width, height: detected.height };
}

/** Whether an upload error is one the person can act on (wrong type, too large) rather than a fault. */
export function isUploadRefusal(err: unknown): err is KonaError {
  return err instanceof TooLargeError || (err instanceof KonaError && ['KONA_ERR_UNSUPPORTED_MEDIA_TYPE', 'KONA_ERR_PAYLOAD_TOO_LARGE', 'KONA_ERR_VALIDATION', 'KONA_ERR_BAD_REQUEST'].includes(err.code));
}
