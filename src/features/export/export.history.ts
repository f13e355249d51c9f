import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { ExportDataset, ExportPage } from './export.dataset.js';

type Db = Kysely<TenantSchema>;

const day = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
const iso = (value: Date | null) => (value ? value.toISOString() : null);

function selectStatusHistory(db: Db, page: ExportPage) {
  return db
    .selectFrom('dog_status_history')
    .innerJoin('dogs', 'dogs.id', 'dog_status_history.dog_id')
    .select(['dog_status_history.id', 'dog_status_history.dog_id', 'dogs.name as dog_name', 'dog_status_history.from_status', 'dog_status_history.to_status', 'dog_status_history.reason', 'dog_status_history.changed_by', 'dog_status_history.changed_at'])
    .orderBy('dog_status_history.changed_at')
    .orderBy('dog_status_history.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type StatusRow = Awaited<ReturnType<typeof selectStatusHistory>>[number];

/** Every status change of every dog (who, when, why). */
export const statusHistoryDataset: ExportDataset<StatusRow> = {
  name: 'status-history',
  title: 'Status history',
  description: "Every change of a dog's status, with who made it, when and why.",
  load: ({ db }, page) => selectStatusHistory(db, page),
  columns: [
    { header: 'id', value: (r) => String(r.id) },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'from_status', value: (r) => r.from_status },
    { header: 'to_status', value: (r) => r.to_status },
    { header: 'reason', value: (r) => r.reason },
    { header: 'changed_by_staff_id', value: (r) => r.changed_by },
    { header: 'changed_at', value: (r) => iso(r.changed_at) },
  ],
};

function selectPlacements(db: Db, page: ExportPage) {
  return db
    .selectFrom('foster_assignments')
    .innerJoin('dogs', 'dogs.id', 'foster_assignments.dog_id')
    .select(['foster_assignments.id', 'foster_assignments.dog_id', 'dogs.name as dog_name', 'foster_assignments.foster_id', day('foster_assignments.started_on').as('started_on'), day('foster_assignments.ended_on').as('ended_on')])
    .orderBy('foster_assignments.started_on')
    .orderBy('foster_assignments.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type PlacementRow = Awaited<ReturnType<typeof selectPlacements>>[number];

/** Every foster placement (the foster as a staff account id). */
export const placementsDataset: ExportDataset<PlacementRow> = {
  name: 'foster-placements',
  title: 'Foster placements',
  description: 'Which dog stayed with which foster home (staff account id), from when to when.',
  load: ({ db }, page) => selectPlacements(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'foster_staff_id', value: (r) => r.foster_id },
    { header: 'started_on', value: (r) => r.started_on },
    { header: 'ended_on', value: (r) => r.ended_on },
  ],
};

function selectNotes(db: Db, page: ExportPage) {
  return db
    .selectFrom('dog_notes')
    .innerJoin('dogs', 'dogs.id', 'dog_notes.dog_id')
    .select(['dog_notes.id', 'dog_notes.dog_id', 'dogs.name as dog_name', 'dog_notes.author_id', 'dog_notes.body', 'dog_notes.created_at'])
    .orderBy('dog_notes.created_at')
    .orderBy('dog_notes.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type NoteRow = Awaited<ReturnType<typeof selectNotes>>[number];

/** Every note on a dog's timeline (fosters' and staff's). */
export const notesDataset: ExportDataset<NoteRow> = {
  name: 'dog-notes',
  title: 'Dog notes',
  description: "Notes on the dogs' timelines, written by fosters and staff.",
  load: ({ db }, page) => selectNotes(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'author_staff_id', value: (r) => r.author_id },
    { header: 'body', value: (r) => r.body },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
};
