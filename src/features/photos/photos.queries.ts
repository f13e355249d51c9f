import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { PhotoStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

const photoColumns = ['id', 'dog_id', 'sha256', 'variants', 'width', 'height', 'alt_text', 'status', 'is_primary', 'position', 'uploaded_by', 'approved_by', 'created_at'] as const;

/** A dog photo as the queries return it. */
export type PhotoRow = NonNullable<Awaited<ReturnType<typeof selectPhoto>>>;

/** One photo of one dog. */
export function selectPhoto(db: Db, dogId: string, photoId: string) {
  return db.selectFrom('dog_photos').select(photoColumns).where('dog_id', '=', dogId).where('id', '=', photoId).executeTakeFirst();
}

/** The photo of a dog holding these original bytes, if any. */
export function selectPhotoBySha(db: Db, dogId: string, sha256: string) {
  return db.selectFrom('dog_photos').select(photoColumns).where('dog_id', '=', dogId).where('sha256', '=', sha256).executeTakeFirst();
}

/** A dog's photos in display order. */
export function selectPhotos(db: Db, dogId: string) {
  return db.selectFrom('dog_photos').select(photoColumns).where('dog_id', '=', dogId).orderBy('position').orderBy('created_at').orderBy('id').execute();
}

/** How many approved photos a dog has. */
export async function countApprovedPhotos(db: Db, dogId: string): Promise<number> {
  const row = await db.selectFrom('dog_photos').select((eb) => eb.fn.countAll<string>().as('n')).where('dog_id', '=', dogId).where('status', '=', 'approved').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A condition on a `dogs` row (the dogs feature's `dogShownPublicly`, handed in: photos' queries import no feature). */
export type DogCondition = (eb: ExpressionBuilder<TenantSchema, 'dogs'>) => Expression<SqlBool>;

/**
 * The variants of a photo with these original bytes: of any photo for staff, or, for the public
 * URL (`shownDogs` given), only of an approved photo whose dog passes `shownDogs`. `memberDogs`
 * narrows a hub request to the dogs the member may reach (a foster's own dogs), any photo status.
 */
export function selectVariantsBySha(db: Db, sha256: string, shownDogs?: DogCondition, memberDogs?: DogCondition) {
  let q = db.selectFrom('dog_photos').select('variants').where('sha256', '=', sha256);
  if (shownDogs) q = q.where('status', '=', 'approved').where('dog_id', 'in', db.selectFrom('dogs').select('dogs.id').where(shownDogs));
  if (memberDogs) q = q.where('dog_id', 'in', db.selectFrom('dogs').select('dogs.id').where(memberDogs));
  return q.limit(1).executeTakeFirst();
}

/** A dog's primary photo as a list shows it. */
export interface PrimaryPhoto {
  sha256: string;
  alt: string;
  width: number;
  height: number;
}

/** Each listed dog's primary photo, by dog id (dogs without one are absent). */
export async function selectPrimaryPhotos(db: Db, dogIds: readonly string[]): Promise<Map<string, PrimaryPhoto>> {
  if (dogIds.length === 0) return new Map();
  const rows = await db.selectFrom('dog_photos').select(['dog_id', 'sha256', 'alt_text', 'width', 'height']).where('dog_id', 'in', dogIds).where('is_primary', '=', true).execute();
  return new Map(rows.map((r) => [r.dog_id, { sha256: r.sha256, alt: r.alt_text, width: r.width, height: r.height }]));
}

/** Inserts a photo at the end of the dog's order; undefined when those bytes are already its photo. */
export async function insertPhoto(
  db: Db,
  row: { dog_id: string; sha256: string; variants: Record<string, string>; width: number; height: number; status: PhotoStatus; uploaded_by: string | null; approved_by: string | null },
): Promise<string | undefined> {
  const res = await db
    .insertInto('dog_photos')
    .values({
      ...row,
      variants: JSON.stringify(row.variants),
      position: sql<number>`(select coalesce(max(position), 0) + 1 from dog_photos where dog_id = ${row.dog_id})`,
    })
    .onConflict((oc) => oc.columns(['dog_id', 'sha256']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return res?.id;
}

/** Sets a photo's review status (a rejected photo stops being primary). */
export async function updatePhotoStatus(db: Db, photoId: string, status: PhotoStatus, approvedBy: string | null): Promise<void> {
  await db
    .updateTable('dog_photos')
    .set({ status, approved_by: approvedBy, ...(status === 'approved' ? {} : { is_primary: false }) })
    .where('id', '=', photoId)
    .execute();
}

/** Makes one photo the dog's primary, clearing the previous one first (the partial unique index allows one). */
export async function updatePrimary(db: Db, dogId: string, photoId: string): Promise<void> {
  await db.updateTable('dog_photos').set({ is_primary: false }).where('dog_id', '=', dogId).where('is_primary', '=', true).execute();
  await db.updateTable('dog_photos').set({ is_primary: true }).where('id', '=', photoId).execute();
}

/** Whether a dog has a primary photo. */
export async function hasPrimary(db: Db, dogId: string): Promise<boolean> {
  return !!(await db.selectFrom('dog_photos').select('id').where('dog_id', '=', dogId).where('is_primary', '=', true).executeTakeFirst());
}

/** Sets a photo's alt text. */
export async function updateAltText(db: Db, photoId: string, altText: string): Promise<void> {
  await db.updateTable('dog_photos').set({ alt_text: altText }).where('id', '=', photoId).execute();
}

/** Gives photos new positions (after a move). */
export async function updatePositions(db: Db, positions: { id: string; position: number }[]): Promise<void> {
  for (const p of positions) await db.updateTable('dog_photos').set({ position: p.position }).where('id', '=', p.id).execute();
}

/** An approved photo as the public site shows it. */
export interface PublicPhoto {
  sha256: string;
  alt: string;
  width: number;
  height: number;
  isPrimary: boolean;
}

/**
 * A dog's approved photos in display order as one JSON column of a dogs query (`dogs.id` is the
 * outer row): the public listing then takes one query instead of two, and one field per dog.
 */
export function approvedPhotosJson() {
  return sql<PublicPhoto[]>`(select coalesce(json_agg(json_build_object(
    'sha256', p.sha256, 'alt', p.alt_text, 'width', p.width, 'height', p.height, 'isPrimary', p.is_primary
  ) order by p.position, p.created_at, p.id), '[]'::json) from dog_photos p where p.dog_id = dogs.id and p.status = 'approved')`;
}

/** Deletes one photo of a dog, returning what its blobs and primary flag were; undefined when there was none. */
export function deletePhotoRow(db: Db, dogId: string, photoId: string) {
  return db.deleteFrom('dog_photos').where('dog_id', '=', dogId).where('id', '=', photoId).returning(['sha256', 'variants', 'is_primary']).executeTakeFirst();
}

/** The dog's first approved photo in display order: the next primary when the primary goes. */
export async function firstApprovedPhoto(db: Db, dogId: string): Promise<string | undefined> {
  const row = await db.selectFrom('dog_photos').select('id').where('dog_id', '=', dogId).where('status', '=', 'approved').orderBy('position').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row?.id;
}

/** How many photos, of any dog, wait for approval. */
export async function countPendingPhotos(db: Db): Promise<number> {
  const row = await db.selectFrom('dog_photos').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The dogs with photos waiting for approval, by name, with how many each and when the oldest came. */
export async function selectPendingPhotosByDog(db: Db) {
  const rows = await db
    .selectFrom('dog_photos')
    .innerJoin('dogs', 'dogs.id', 'dog_photos.dog_id')
    .select((eb) => ['dogs.id', 'dogs.name', eb.fn.countAll<string>().as('pending'), eb.fn.min('dog_photos.created_at').as('oldest')])
    .where('dog_photos.status', '=', 'pending')
    .groupBy(['dogs.id', 'dogs.name'])
    .orderBy('dogs.name').orderBy('dogs.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, pending: Number(r.pending), oldest: new Date(r.oldest as Date | string) }));
}

/** The dog's name and staff contact: who hears that a photo awaits approval. */
export function selectDogContact(db: Db, dogId: string) {
  return db.selectFrom('dogs').select(['name', 'staff_contact_id']).where('id', '=', dogId).executeTakeFirstOrThrow();
}
