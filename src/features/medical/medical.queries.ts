import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** The medical tables an entry can be deleted from. */
export type MedicalTable = 'vaccinations' | 'treatments' | 'vet_visits';

// Dates leave the database as text: drivers would turn them into instants in some time zone.
const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
const maybeDay = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

/** Records a vaccination and returns its id. */
export async function insertVaccination(db: Db, row: Insertable<TenantSchema['vaccinations']>): Promise<string> {
  return (await db.insertInto('vaccinations').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Records a treatment or medication and returns its id. */
export async function insertTreatment(db: Db, row: Insertable<TenantSchema['treatments']>): Promise<string> {
  return (await db.insertInto('treatments').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Records a vet visit and returns its id. */
export async function insertVisit(db: Db, row: Insertable<TenantSchema['vet_visits']>): Promise<string> {
  return (await db.insertInto('vet_visits').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Deletes one entry of a dog; false when the dog has no such entry. */
export async function deleteEntry(db: Db, table: MedicalTable, dogId: string, id: string): Promise<boolean> {
  const res = await db.deleteFrom(table).where('id', '=', id).where('dog_id', '=', dogId).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** A dog's vaccinations, the latest given first. */
export function selectVaccinations(db: Db, dogId: string) {
  return db
    .selectFrom('vaccinations')
    .select(['id', 'type', 'label', 'given_by', 'notes', 'created_by', 'created_at', day('given_on').as('given_on'), maybeDay('due_on').as('due_on')])
    .where('dog_id', '=', dogId)
    .orderBy('vaccinations.given_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** A dog's treatments and medications, the latest started first. */
export function selectTreatments(db: Db, dogId: string) {
  return db
    .selectFrom('treatments')
    .select([
      'id', 'kind', 'name', 'dose', 'schedule', 'notes', 'created_by', 'created_at',
      'repeat_every', 'repeat_unit',
      day('starts_on').as('starts_on'), maybeDay('ends_on').as('ends_on'), maybeDay('next_due_on').as('next_due_on'),
    ])
    .where('dog_id', '=', dogId)
    .orderBy('treatments.starts_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** A dog's vet visits, the latest first. */
export function selectVisits(db: Db, dogId: string) {
  return db
    .selectFrom('vet_visits')
    .select(['id', 'clinic', 'reason', 'outcome', 'created_by', 'created_at', day('visit_on').as('visit_on')])
    .where('dog_id', '=', dogId)
    .orderBy('vet_visits.visit_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Vaccinations due on or before `until` for dogs whose status is not closed. A vaccination that a
 * later dose of the same vaccine replaced is not due any more, so only the latest dose counts.
 */
export function selectVaccinationsDue(db: Db, until: string, closed: readonly DogStatus[], fosterId?: string) {
  return db
    .selectFrom('vaccinations as v')
    .innerJoin('dogs as d', 'd.id', 'v.dog_id')
    .select(['v.id', 'v.type', 'v.label', 'd.id as dog_id', 'd.name as dog_name', day('v.due_on').as('due_on')])
    .where(sql<string>`v.due_on`, '<=', until)
    .where('d.status', 'not in', closed)
    .$if(fosterId !== undefined, (q) => q.where('d.foster_id', '=', fosterId!))
    .where(({ not, exists, selectFrom }) =>
      not(exists(
        selectFrom('vaccinations as later')
          .select('later.id')
          .whereRef('later.dog_id', '=', 'v.dog_id')
          .whereRef('later.type', '=', 'v.type')
          .whereRef('later.label', '=', 'v.label')
          .whereRef('later.given_on', '>', 'v.given_on'),
      )),
    )
    .orderBy('v.due_on')
    .execute();
}

/** Treatments whose next dose is due on or before `until`, for dogs whose status is not closed. */
export function selectTreatmentsDue(db: Db, until: string, closed: readonly DogStatus[], fosterId?: string) {
  return db
    .selectFrom('treatments as t')
    .innerJoin('dogs as d', 'd.id', 't.dog_id')
    .select(['t.id', 't.kind', 't.name', 'd.id as dog_id', 'd.name as dog_name', day('t.next_due_on').as('due_on')])
    .where(sql<string>`t.next_due_on`, '<=', until)
    .where('d.status', 'not in', closed)
    .$if(fosterId !== undefined, (q) => q.where('d.foster_id', '=', fosterId!))
    .orderBy('t.next_due_on')
    .execute();
}

/** Changes one vaccination of a dog; false when the dog has no such vaccination. */
export async function updateVaccination(db: Db, dogId: string, id: string, row: Updateable<TenantSchema['vaccinations']>): Promise<boolean> {
  const res = await db.updateTable('vaccinations').set(row).where('id', '=', id).where('dog_id', '=', dogId).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Changes one treatment of a dog; false when the dog has no such treatment. */
export async function updateTreatment(db: Db, dogId: string, id: string, row: Updateable<TenantSchema['treatments']>): Promise<boolean> {
  const res = await db.updateTable('treatments').set(row).where('id', '=', id).where('dog_id', '=', dogId).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Changes one vet visit of a dog; false when the dog has no such visit. */
export async function updateVisit(db: Db, dogId: string, id: string, row: Updateable<TenantSchema['vet_visits']>): Promise<boolean> {
  const res = await db.updateTable('vet_visits').set(row).where('id', '=', id).where('dog_id', '=', dogId).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Records one dose of a treatment given. */
export async function insertDose(db: Db, row: Insertable<TenantSchema['treatment_doses']>): Promise<string> {
  return (await db.insertInto('treatment_doses').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** A dog's treatment doses with the treatment's name, the latest first. */
export function selectDoses(db: Db, dogId: string) {
  return db
    .selectFrom('treatment_doses as d')
    .innerJoin('treatments as t', 't.id', 'd.treatment_id')
    .select(['d.id', 'd.treatment_id', 't.name', 't.kind', 'd.given_by', 'd.created_at', day('d.given_on').as('given_on')])
    .where('d.dog_id', '=', dogId)
    .orderBy('d.given_on', 'desc')
    .orderBy('d.created_at', 'desc')
    .execute();
}
