import type { Kysely } from 'kysely';
import type { ControlSchema } from '../../platform/db/schema.js';

type Control = Kysely<ControlSchema>;

/** Windows not cancelled that have not ended by `now`, soonest first. */
export function selectOpenWindows(db: Control, now: Date) {
  return db.selectFrom('maintenance_windows').selectAll().where('cancelled_at', 'is', null).where('ends_at', '>', now).orderBy('starts_at').execute();
}

/** Inserts a window and returns its id. */
export async function insertWindow(db: Control, w: { starts_at: Date; ends_at: Date; message: string; created_by: string }) {
  const { id } = await db.insertInto('maintenance_windows').values(w).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Cancels a window; false when there was no such open window. */
export async function cancelWindow(db: Control, id: string) {
  const res = await db.updateTable('maintenance_windows').set({ cancelled_at: new Date() }).where('id', '=', id).where('cancelled_at', 'is', null).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
