import type { TimelineEntry, TimelineSource } from '../dogs/dogs.public.js';
import { vaccinationName } from './medical.fields.js';
import { selectDocuments } from './documents.queries.js';
import { selectDoses, selectTreatments, selectVaccinations, selectVisits } from './medical.queries.js';

// Entered the day it happened: the entry time is exact. Otherwise only the day is known.
function when(day: string, createdAt: Date): Pick<TimelineEntry, 'at' | 'dateOnly'> {
  const sameDay = createdAt.toISOString().slice(0, 10) === day;
  return { at: sameDay ? createdAt : new Date(`${day}T00:00:00Z`), dateOnly: !sameDay };
}

/** A dog's vaccinations, treatments (and doses given), vet visits and documents as timeline entries. */
export const medicalTimelineEntries: TimelineSource = async (db, dogId) => [
  ...(await selectVaccinations(db, dogId)).map((v) => ({
    ...when(v.given_on, v.created_at),
    kind: 'medical',
    title: `Vaccinated: ${vaccinationName(v.type, v.label)}`,
    detail: v.due_on ? `Next due ${v.due_on}` : undefined,
    by: v.created_by,
  })),
  ...(await selectTreatments(db, dogId)).map((t) => ({
    ...when(t.starts_on, t.created_at),
    kind: 'medical',
    title: `${t.kind === 'medication' ? 'Medication' : 'Treatment'} started: ${t.name}`,
    detail: t.schedule || undefined,
    by: t.created_by,
  })),
  ...(await selectVisits(db, dogId)).map((v) => ({
    ...when(v.visit_on, v.created_at),
    kind: 'medical',
    title: `Vet visit: ${v.clinic}`,
    detail: v.reason,
    by: v.created_by,
  })),
  ...(await selectDoses(db, dogId)).map((d) => ({
    ...when(d.given_on, d.created_at),
    kind: 'medical',
    title: `Dose given: ${d.name}`,
    by: d.given_by,
  })),
  ...(await selectDocuments(db, dogId)).map((d) => ({
    at: d.created_at,
    dateOnly: false,
    kind: 'medical',
    title: `Document attached: ${d.title}`,
    by: d.uploaded_by,
  })),
];
