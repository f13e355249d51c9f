import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

/**
 * Whether any photo of any dog uses this blob, as its original or as one of its variants: the
 * photos feature's answer to "may this blob be removed?" (see releaseBlobs).
 */
export async function photoReferencesBlob(db: Kysely<TenantSchema>, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('dog_photos')
    .select('id')
    .where((eb) => eb.or([eb('sha256', '=', key), eb(sql<boolean>`exists (select 1 from jsonb_each_text(dog_photos.variants) v where v.value = ${key})`, '=', true)]))
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

// What other features may use of this one, from the files that hold it.
export { approvedPhotosJson, countApprovedPhotos, type PrimaryPhoto, type PublicPhoto, selectPrimaryPhotos } from './photos.queries.js';
export { photoStoreFor, photoStoreOf, variantFiles } from './photos.store.js';
export { isUploadRefusal } from './photos.upload.js';
export { HubThumbnail } from './photos.views.js';
export { pendingPhotosWaiting } from './photos.pending.js';
export { selectPhoto, selectPhotos, type PhotoRow } from './photos.queries.js';
export { setPhotoAltText } from './photos.service.js';
