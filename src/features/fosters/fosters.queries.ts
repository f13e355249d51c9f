import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

// Dates leave the database as YYYY-MM-DD text, like the dogs feature's queries.
const assignmentColumns = [
  'foster_assignments.id', 'foster_assignments.dog_id', 'foster_assignments.foster_id', 'foster_assignments.assigned_by',
  'foster_assignments.ended_by', 'foster_assignments.created_at', 'foster_assignments.ended_at',
  day('foster_assignments.started_on').as('started_on'),
  sql<string | null>`to_char(foster_assignments.ended_on, 'YYYY-MM-DD')`.as('ended_on'),
] as const;

/** A foster assignment as the queries return it. */
export type AssignmentRow = Awaited<ReturnType<typeof selectAssignments>>[number];

/** The open assignment of a dog, if it is in a foster home. */
export function selectOpenAssignment(db: Db, dogId: string) {
  return db.selectFrom('foster_assignments').select(assignmentColumns).where('dog_id', '=', dogId).where('ended_on', 'is', null).executeTakeFirst();
}

/** Every assignment of a dog, the latest first. */
export function selectAssignments(db: Db, dogId: string) {
  return db
    .selectFrom('foster_assignments')
    .select(assignmentColumns)
    .where('dog_id', '=', dogId)
    .orderBy('foster_assignments.started_on', 'desc')
    .orderBy('foster_assignments.created_at', 'desc')
    .execute();
}

/** Starts an assignment and points the dog at its foster, which puts it with a foster home. Run it in a transaction. */
export async function insertAssignment(db: Db, row: { dog_id: string; foster_id: string; started_on: string; assigned_by: string | null }): Promise<void> {
  await db.insertInto('foster_assignments').values(row).execute();
  await db.updateTable('dogs').set({ foster_id: row.foster_id, whereabouts: 'foster', updated_at: new Date() }).where('id', '=', row.dog_id).execute();
}

/** Ends an open assignment and clears the dog's foster (it is back at the rescue); false when it was no longer open. Run it in a transaction. */
export async function closeAssignment(db: Db, a: { id: string; dog_id: string; foster_id: string }, end: { ended_on: string; ended_by: string | null }): Promise<boolean> {
  const res = await db
    .updateTable('foster_assignments')
    .set({ ended_on: end.ended_on, ended_by: end.ended_by, ended_at: new Date() })
    .where('id', '=', a.id)
    .where('ended_on', 'is', null)
    .executeTakeFirst();
  if (res.numUpdatedRows === 0n) return false;
  await db.updateTable('dogs').set({ foster_id: null, whereabouts: 'rescue', updated_at: new Date() }).where('id', '=', a.dog_id).where('foster_id', '=', a.foster_id).execute();
  return true;
}

/** The dogs in foster homes now, with their foster and since when; one foster's only when given. */
export function selectDogsInFoster(db: Db, fosterId?: string) {
  let q = db
    .selectFrom('foster_assignments')
    .innerJoin('dogs', 'dogs.id', 'foster_assignments.dog_id')
    .select(['dogs.id as dog_id', 'dogs.name', 'dogs.status', 'foster_assignments.foster_id', day('foster_assignments.started_on').as('started_on')])
    .where('foster_assignments.ended_on', 'is', null);
  if (fosterId) q = q.where('foster_assignments.foster_id', '=', fosterId);
  return q.orderBy(sql`lower(dogs.name)`).orderBy('dogs.id').execute();
}

/** Adds a note to a dog's record. */
export async function insertNote(db: Db, row: { dog_id: string; author_id: string | null; body: string }): Promise<string> {
  const { id } = await db.insertInto('dog_notes').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** A dog's notes, newest first. */
export function selectNotes(db: Db, dogId: string) {
  return db.selectFrom('dog_notes').select(['id', 'author_id', 'body', 'created_at']).where('dog_id', '=', dogId).orderBy('created_at', 'desc').orderBy('id').execute();
}
