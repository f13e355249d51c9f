import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { ExportDataset, ExportPage } from './export.dataset.js';

type Db = Kysely<TenantSchema>;

// Dates leave the database as text and instants as ISO strings, so no server time zone shifts them.
const day = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
const iso = (value: Date | null) => (value ? value.toISOString() : null);

function selectDogs(db: Db, page: ExportPage) {
  return db
    .selectFrom('dogs')
    .select([
      'id', 'name', 'sex', 'birth_date_estimated', 'breeds', 'size', 'colour', 'microchip', 'spay_neuter', 'intake_type', 'source',
      'location', 'whereabouts', 'foster_id', 'good_with_dogs', 'good_with_cats', 'good_with_children', 'energy', 'special_needs', 'adoption_fee_cents',
      'public_description', 'on_hold', 'hold_reason', 'bonded_with', 'adopter_contact_id', 'staff_contact_id', 'status', 'status_changed_at', 'created_at', 'updated_at',
      day('birth_date').as('birth_date'), day('intake_date').as('intake_date'),
    ])
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type DogRow = Awaited<ReturnType<typeof selectDogs>>[number];

/** Every dog record. */
export const dogsDataset: ExportDataset<DogRow> = {
  name: 'dogs',
  title: 'Dogs',
  description: 'Every dog record with its status, where it is, temperament and fee.',
  load: ({ db }, page) => selectDogs(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'name', value: (r) => r.name },
    { header: 'status', value: (r) => r.status },
    { header: 'status_changed_at', value: (r) => iso(r.status_changed_at) },
    { header: 'sex', value: (r) => r.sex },
    { header: 'birth_date', value: (r) => r.birth_date },
    { header: 'birth_date_estimated', value: (r) => r.birth_date_estimated },
    { header: 'breeds', value: (r) => r.breeds },
    { header: 'size', value: (r) => r.size },
    { header: 'colour', value: (r) => r.colour },
    { header: 'microchip', value: (r) => r.microchip },
    { header: 'spay_neuter', value: (r) => r.spay_neuter },
    { header: 'intake_date', value: (r) => r.intake_date },
    { header: 'intake_type', value: (r) => r.intake_type },
    { header: 'source', value: (r) => r.source },
    { header: 'location', value: (r) => r.location },
    { header: 'whereabouts', value: (r) => r.whereabouts },
    { header: 'foster_id', value: (r) => r.foster_id },
    { header: 'good_with_dogs', value: (r) => r.good_with_dogs },
    { header: 'good_with_cats', value: (r) => r.good_with_cats },
    { header: 'good_with_children', value: (r) => r.good_with_children },
    { header: 'energy', value: (r) => r.energy },
    { header: 'special_needs', value: (r) => r.special_needs },
    { header: 'adoption_fee_cents', value: (r) => r.adoption_fee_cents },
    { header: 'public_description', value: (r) => r.public_description },
    { header: 'on_hold', value: (r) => r.on_hold },
    { header: 'hold_reason', value: (r) => r.hold_reason },
    { header: 'bonded_with', value: (r) => r.bonded_with },
    { header: 'adopter_contact_id', value: (r) => r.adopter_contact_id },
    { header: 'staff_contact_id', value: (r) => r.staff_contact_id },
    { header: 'created_at', value: (r) => iso(r.created_at) },
    { header: 'updated_at', value: (r) => iso(r.updated_at) },
  ],
};

function selectVaccinations(db: Db, page: ExportPage) {
  return db
    .selectFrom('vaccinations')
    .innerJoin('dogs', 'dogs.id', 'vaccinations.dog_id')
    .select(['vaccinations.id', 'vaccinations.dog_id', 'dogs.name as dog_name', 'vaccinations.type', 'vaccinations.label', 'vaccinations.given_by', 'vaccinations.notes', 'vaccinations.created_at', day('vaccinations.given_on').as('given_on'), day('vaccinations.due_on').as('due_on')])
    .orderBy('vaccinations.given_on')
    .orderBy('vaccinations.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type VaccinationRow = Awaited<ReturnType<typeof selectVaccinations>>[number];

/** Every vaccination given. */
export const vaccinationsDataset: ExportDataset<VaccinationRow> = {
  name: 'vaccinations',
  title: 'Vaccinations',
  description: 'Medical: vaccinations given, with the next due date.',
  load: ({ db }, page) => selectVaccinations(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'type', value: (r) => r.type },
    { header: 'label', value: (r) => r.label },
    { header: 'given_on', value: (r) => r.given_on },
    { header: 'due_on', value: (r) => r.due_on },
    { header: 'given_by', value: (r) => r.given_by },
    { header: 'notes', value: (r) => r.notes },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
};

function selectTreatments(db: Db, page: ExportPage) {
  return db
    .selectFrom('treatments')
    .innerJoin('dogs', 'dogs.id', 'treatments.dog_id')
    .select([
      'treatments.id', 'treatments.dog_id', 'dogs.name as dog_name', 'treatments.kind', 'treatments.name', 'treatments.dose', 'treatments.schedule', 'treatments.notes', 'treatments.created_at',
      day('treatments.starts_on').as('starts_on'), day('treatments.ends_on').as('ends_on'), day('treatments.next_due_on').as('next_due_on'),
    ])
    .orderBy('treatments.starts_on')
    .orderBy('treatments.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type TreatmentRow = Awaited<ReturnType<typeof selectTreatments>>[number];

/** Every treatment and medication. */
export const treatmentsDataset: ExportDataset<TreatmentRow> = {
  name: 'treatments',
  title: 'Treatments and medications',
  description: 'Medical: treatments and medications with their schedules.',
  load: ({ db }, page) => selectTreatments(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'kind', value: (r) => r.kind },
    { header: 'name', value: (r) => r.name },
    { header: 'dose', value: (r) => r.dose },
    { header: 'schedule', value: (r) => r.schedule },
    { header: 'starts_on', value: (r) => r.starts_on },
    { header: 'ends_on', value: (r) => r.ends_on },
    { header: 'next_due_on', value: (r) => r.next_due_on },
    { header: 'notes', value: (r) => r.notes },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
};

function selectVisits(db: Db, page: ExportPage) {
  return db
    .selectFrom('vet_visits')
    .innerJoin('dogs', 'dogs.id', 'vet_visits.dog_id')
    .select(['vet_visits.id', 'vet_visits.dog_id', 'dogs.name as dog_name', 'vet_visits.clinic', 'vet_visits.reason', 'vet_visits.outcome', 'vet_visits.created_at', day('vet_visits.visit_on').as('visit_on')])
    .orderBy('vet_visits.visit_on')
    .orderBy('vet_visits.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type VisitRow = Awaited<ReturnType<typeof selectVisits>>[number];

/** Every vet visit. */
export const visitsDataset: ExportDataset<VisitRow> = {
  name: 'vet-visits',
  title: 'Vet visits',
  description: 'Medical: vet visits with clinic, reason and outcome.',
  load: ({ db }, page) => selectVisits(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'clinic', value: (r) => r.clinic },
    { header: 'visit_on', value: (r) => r.visit_on },
    { header: 'reason', value: (r) => r.reason },
    { header: 'outcome', value: (r) => r.outcome },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
};

function selectWeights(db: Db, page: ExportPage) {
  return db
    .selectFrom('dog_weights')
    .innerJoin('dogs', 'dogs.id', 'dog_weights.dog_id')
    .select(['dog_weights.id', 'dog_weights.dog_id', 'dogs.name as dog_name', sql<number>`dog_weights.kg::float8`.as('kg'), day('dog_weights.weighed_on').as('weighed_on')])
    .orderBy('dog_weights.weighed_on')
    .orderBy('dog_weights.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type WeightRow = Awaited<ReturnType<typeof selectWeights>>[number];

/** Every weighing. */
export const weightsDataset: ExportDataset<WeightRow> = {
  name: 'weights',
  title: 'Weights',
  description: 'Medical: weight history.',
  load: ({ db }, page) => selectWeights(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'weighed_on', value: (r) => r.weighed_on },
    { header: 'kg', value: (r) => r.kg },
  ],
};
