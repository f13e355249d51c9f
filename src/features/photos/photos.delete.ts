import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { releaseBlobs, type BlobReferenceCheck, type BlobStore, type ReleaseResult } from '../../platform/storage/index.js';
import { documentReferencesBlob, vetUploadReferencesBlob } from '../medical/medical.public.js';
import { deletePhotoRow, firstApprovedPhoto, updatePrimary } from './photos.queries.js';
import { photoReferencesBlob } from './photos.public.js';

type Db = Kysely<TenantSchema>;

/** Every table of a rescue that holds blob keys: photos (originals and variants), medical documents and vets' pending uploads. */
export function photoBlobChecks(db: Db): BlobReferenceCheck[] {
  return [(key) => photoReferencesBlob(db, key), (key) => documentReferencesBlob(db, key), (key) => vetUploadReferencesBlob(db, key)];
}

/**
 * Deletes a dog's photo (audited); when it was the primary, the next approved photo in order takes
 * its place. Then removes its original and variants from storage, each only if no other photo or
 * document of any dog uses the same bytes (see releaseBlobs for why a concurrent upload is safe).
 */
export async function deletePhoto(deps: { db: Db; store: BlobStore }, dogId: string, photoId: string, actor: Actor): Promise<ReleaseResult> {
  const { db, store } = deps;
  const keys = await db.transaction().execute(async (tx) => {
    const row = await deletePhotoRow(tx, dogId, photoId);
    if (!row) throw notFound('That photo');
    let primary: string | undefined;
    if (row.is_primary) {
      primary = await firstApprovedPhoto(tx, dogId);
      if (primary) await updatePrimary(tx, dogId, primary);
    }
    await recordAudit(tx, { actor, action: 'photo.deleted', target: { type: 'dog', id: dogId }, detail: { photo: photoId, ...(primary ? { new_primary: primary } : {}) } });
    return [row.sha256, ...Object.values(row.variants)];
  });
  return releaseBlobs(store, keys, photoBlobChecks(db));
}
