import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { hasPrimary, selectPhoto, selectPhotos, updateAltText, updatePositions, updatePhotoStatus, updatePrimary, type PhotoRow } from './photos.queries.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

async function photoOf(db: Db, dogId: string, photoId: string): Promise<PhotoRow> {
  const photo = await selectPhoto(db, dogId, photoId);
  if (!photo) throw notFound('That photo');
  return photo;
}

/** Approves a photo for the public site; the dog's first approved photo becomes its primary. */
export async function approvePhoto(db: Db, dogId: string, photoId: string, actor: Actor): Promise<void> {
  const photo = await photoOf(db, dogId, photoId);
  if (photo.status === 'approved') return;
  await db.transaction().execute(async (tx) => {
    await updatePhotoStatus(tx, photoId, 'approved', staffId(actor));
    if (!(await hasPrimary(tx, dogId))) await updatePrimary(tx, dogId, photoId);
    await recordAudit(tx, { actor, action: 'photo.approved', target: { type: 'dog', id: dogId }, detail: { photo: photoId } });
  });
}

/** Rejects a photo: it stays in the hub but never appears publicly (and stops being primary). */
export async function rejectPhoto(db: Db, dogId: string, photoId: string, actor: Actor): Promise<void> {
  const photo = await photoOf(db, dogId, photoId);
  if (photo.status === 'rejected') return;
  await db.transaction().execute(async (tx) => {
    await updatePhotoStatus(tx, photoId, 'rejected', null);
    await recordAudit(tx, { actor, action: 'photo.rejected', target: { type: 'dog', id: dogId }, detail: { photo: photoId } });
  });
}

/** Makes an approved photo the one the dog is shown with first. */
export async function makePrimaryPhoto(db: Db, dogId: string, photoId: string, actor: Actor): Promise<void> {
  const photo = await photoOf(db, dogId, photoId);
  if (photo.status !== 'approved') throw new KonaError('KONA_ERR_CONFLICT', 'Only an approved photo can be the primary photo. Approve it first.');
  if (photo.is_primary) return;
  await db.transaction().execute(async (tx) => {
    await updatePrimary(tx, dogId, photoId);
    await recordAudit(tx, { actor, action: 'photo.made_primary', target: { type: 'dog', id: dogId }, detail: { photo: photoId } });
  });
}

/** Sets the text read out in place of a photo. */
export async function setPhotoAltText(db: Db, dogId: string, photoId: string, altText: string, actor: Actor): Promise<void> {
  await photoOf(db, dogId, photoId);
  await db.transaction().execute(async (tx) => {
    await updateAltText(tx, photoId, altText);
    await recordAudit(tx, { actor, action: 'photo.alt_text_changed', target: { type: 'dog', id: dogId }, detail: { photo: photoId } });
  });
}

/** Moves a photo one place earlier or later in the dog's order; at either end nothing changes. */
export async function movePhoto(db: Db, dogId: string, photoId: string, direction: 'up' | 'down', actor: Actor): Promise<void> {
  await photoOf(db, dogId, photoId);
  await db.transaction().execute(async (tx) => {
    const order = (await selectPhotos(tx, dogId)).map((p) => p.id);
    const from = order.indexOf(photoId);
    const to = direction === 'up' ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= order.length) return;
    [order[from], order[to]] = [order[to]!, order[from]!];
    // Renumbered from 1 so positions stay dense whatever earlier moves left behind.
    await updatePositions(tx, order.map((id, i) => ({ id, position: i + 1 })));
    await recordAudit(tx, { actor, action: 'photo.moved', target: { type: 'dog', id: dogId }, detail: { photo: photoId, direction } });
  });
}
