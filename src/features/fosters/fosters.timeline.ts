import type { TimelineEntry, TimelineSource } from '../dogs/dogs.public.js';
import { selectAssignments, selectNotes } from './fosters.queries.js';

// Entered the day it happened: the entry time is exact. Otherwise only the day is known.
function onDay(day: string, recordedAt: Date): Pick<TimelineEntry, 'at' | 'dateOnly'> {
  const sameDay = recordedAt.toISOString().slice(0, 10) === day;
  return { at: sameDay ? recordedAt : new Date(`${day}T00:00:00Z`), dateOnly: !sameDay };
}

/** Notes on the dog, with their author; the body is plain text and the page escapes it. */
export const noteEntries: TimelineSource = async (db, dogId) =>
  (await selectNotes(db, dogId)).map((n) => ({ at: n.created_at, dateOnly: false, kind: 'note', title: 'Note', detail: n.body, by: n.author_id }));

/** Starts and ends of the dog's stays in foster homes, naming the foster. */
export const fosterEntries: TimelineSource = async (db, dogId) => {
  const entries: TimelineEntry[] = [];
  for (const a of await selectAssignments(db, dogId)) {
    entries.push({ ...onDay(a.started_on, a.created_at), kind: 'foster', title: 'Placed in foster', with: a.foster_id, by: a.assigned_by });
    if (a.ended_on) entries.push({ ...onDay(a.ended_on, a.ended_at ?? a.created_at), kind: 'foster', title: 'Foster placement ended', with: a.foster_id, by: a.ended_by });
  }
  return entries;
};
