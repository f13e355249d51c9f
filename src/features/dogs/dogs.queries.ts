import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** A dog row as written: date columns as YYYY-MM-DD text. */
export type DogInsert = Insertable<TenantSchema['dogs']>;
/** Columns a dog update may set. */
export type DogUpdate = Updateable<TenantSchema['dogs']>;

const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

// Dates leave the database as text: drivers would turn them into instants in some time zone.
const dogColumns = [
  'id', 'name', 'sex', 'birth_date_estimated', 'breeds', 'size', 'colour', 'microchip', 'spay_neuter', 'intake_type',
  'source', 'location', 'foster_id', 'whereabouts', 'good_with_dogs', 'good_with_cats', 'good_with_children', 'energy', 'special_needs',
  'adoption_fee_cents', 'public_description', 'on_hold', 'hold_reason', 'bonded_with', 'status', 'status_changed_at',
  'created_at', 'updated_at', 'staff_contact_id',
  sql<string | null>`to_char(birth_date, 'YYYY-MM-DD')`.as('birth_date'),
  day('intake_date').as('intake_date'),
] as const;

/** A dog as the queries return it. */
export type DogRow = NonNullable<Awaited<ReturnType<typeof selectDog>>>;

/** One dog by id. */
export function selectDog(db: Db, id: string) {
  return db.selectFrom('dogs').select(dogColumns).where('id', '=', id).executeTakeFirst();
}

/** The dog holding a microchip number, if any. */
export function selectDogIdByMicrochip(db: Db, microchip: string) {
  return db.selectFrom('dogs').select(['id', 'name']).where('microchip', '=', microchip).executeTakeFirst();
}

/** Inserts a dog and returns its id. */
export async function insertDog(db: Db, row: DogInsert): Promise<string> {
  const { id } = await db.insertInto('dogs').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Updates a dog's fields; false when no such dog. */
export async function updateDogRow(db: Db, id: string, set: DogUpdate): Promise<boolean> {
  const res = await db.updateTable('dogs').set({ ...set, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Moves a dog from one status to another; false when its status was no longer `from`. */
export async function updateDogStatus(db: Db, id: string, from: DogStatus, to: DogStatus): Promise<boolean> {
  const now = new Date();
  const res = await db
    .updateTable('dogs')
    .set({ status: to, status_changed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Appends a row to a dog's status history. */
export async function insertStatusHistory(db: Db, row: { dog_id: string; from_status: DogStatus | null; to_status: DogStatus; reason: string; changed_by: string | null }) {
  await db.insertInto('dog_status_history').values(row).execute();
}

/** A dog's status history, newest first. */
export function selectStatusHistory(db: Db, dogId: string) {
  return db
    .selectFrom('dog_status_history')
    .select(['id', 'from_status', 'to_status', 'reason', 'changed_by', 'changed_at'])
    .where('dog_id', '=', dogId)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Records a weighing. */
export async function insertWeight(db: Db, row: { dog_id: string; kg: number; weighed_on: string; recorded_by: string | null }) {
  await db.insertInto('dog_weights').values(row).execute();
}

/** A dog's weights, the most recent weighing first. */
export function selectWeights(db: Db, dogId: string) {
  return db
    .selectFrom('dog_weights')
    .select(['id', 'recorded_by', 'recorded_at', sql<number>`kg::float8`.as('kg'), day('weighed_on').as('weighed_on')])
    .where('dog_id', '=', dogId)
    .orderBy('weighed_on', 'desc')
    .orderBy('recorded_at', 'desc')
    .execute();
}

/** Points each dog of a pair at the other, only if neither is bonded yet; false when one already was. Run it in a transaction. */
export async function setBondedPair(db: Db, a: string, b: string): Promise<boolean> {
  let updated = 0n;
  for (const [id, partner] of [[a, b], [b, a]] as const) {
    const res = await db.updateTable('dogs').set({ bonded_with: partner, updated_at: new Date() }).where('id', '=', id).where('bonded_with', 'is', null).executeTakeFirst();
    updated += res.numUpdatedRows;
  }
  return updated === 2n;
}

/** Clears the bond on both dogs of a pair (only where they still point at each other). */
export async function clearBondedPair(db: Db, a: string, b: string): Promise<void> {
  await db
    .updateTable('dogs')
    .set({ bonded_with: null, updated_at: new Date() })
    .where((eb) => eb.or([eb.and([eb('id', '=', a), eb('bonded_with', '=', b)]), eb.and([eb('id', '=', b), eb('bonded_with', '=', a)])]))
    .execute();
}

/** Dogs still in care and not bonded yet, by name: who a dog may be paired with. */
export function selectBondCandidates(db: Db, excludeId: string, closed: readonly DogStatus[]) {
  return db
    .selectFrom('dogs')
    .select(['id', 'name', 'microchip'])
    .where('id', '<>', excludeId)
    .where('bonded_with', 'is', null)
    .where('status', 'not in', closed)
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(500)
    .execute();
}

/** How many dogs have each status. */
export async function countDogsByStatus(db: Db, fosterId?: string): Promise<Map<DogStatus, number>> {
  let q = db.selectFrom('dogs').select(['status', (eb) => eb.fn.countAll<string>().as('n')]);
  if (fosterId) q = q.where('foster_id', '=', fosterId);
  const rows = await q.groupBy('status').execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
