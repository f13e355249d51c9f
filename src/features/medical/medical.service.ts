import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { getDog, weightHistory } from '../dogs/dogs.public.js';
import { deleteEntry, insertTreatment, insertVaccination, insertVisit, selectTreatments, selectVaccinations, selectVisits, type MedicalTable } from './medical.queries.js';
import { selectDocuments } from './documents.queries.js';
import type { TreatmentInput, VaccinationInput, VisitInput } from './medical.schema.js';

type Db = Kysely<TenantSchema>;

/** The kinds of medical entry a person adds or deletes, by the word used in URLs and audit actions. */
export type MedicalKind = 'vaccination' | 'treatment' | 'visit';

const tables: Record<MedicalKind, MedicalTable> = { vaccination: 'vaccinations', treatment: 'treatments', visit: 'vet_visits' };

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/** Everything a dog's medical page shows, attached documents included. */
export async function medicalRecord(db: Db, dogId: string) {
  const dog = await getDog(db, dogId);
  return {
    dog: { id: dog.id, name: dog.name, status: dog.status },
    vaccinations: await selectVaccinations(db, dogId),
    treatments: await selectTreatments(db, dogId),
    visits: await selectVisits(db, dogId),
    weights: await weightHistory(db, dogId),
    documents: await selectDocuments(db, dogId),
  };
}

/** A dog's medical record as {@link medicalRecord} reads it. */
export type MedicalRecord = Awaited<ReturnType<typeof medicalRecord>>;

// Adds one entry and its audit row together; the audit keeps ids only, never the medical details.
async function addEntry(db: Db, dogId: string, kind: MedicalKind, actor: Actor, insert: (tx: Db, by: string | null) => Promise<string>): Promise<string> {
  await getDog(db, dogId);
  return db.transaction().execute(async (tx) => {
    const id = await insert(tx, staffId(actor));
    await recordAudit(tx, { actor, action: `medical.${kind}_added`, target: { type: 'dog', id: dogId }, detail: { [`${kind}_id`]: id } });
    return id;
  });
}

/** Whether the dog already has this vaccination (the same vaccine given on the same day) or treatment (the same name started that day). */
export async function hasMedicalEntry(db: Db, dogId: string, entry: { kind: 'vaccination'; type: string; label: string; givenOn: string } | { kind: 'treatment'; name: string; startsOn: string }): Promise<boolean> {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  if (entry.kind === 'vaccination') return (await selectVaccinations(db, dogId)).some((v) => v.type === entry.type && same(v.label, entry.label) && v.given_on === entry.givenOn);
  return (await selectTreatments(db, dogId)).some((t) => same(t.name, entry.name) && t.starts_on === entry.startsOn);
}

/** Records a vaccination given to a dog. */
export function addVaccination(db: Db, dogId: string, input: VaccinationInput, actor: Actor): Promise<string> {
  return addEntry(db, dogId, 'vaccination', actor, (tx, by) => insertVaccination(tx, { ...input, dog_id: dogId, created_by: by }));
}

/** Records a treatment or medication with its schedule. */
export function addTreatment(db: Db, dogId: string, input: TreatmentInput, actor: Actor): Promise<string> {
  return addEntry(db, dogId, 'treatment', actor, (tx, by) => insertTreatment(tx, { ...input, dog_id: dogId, created_by: by }));
}

/** Records a vet visit. */
export function addVisit(db: Db, dogId: string, input: VisitInput, actor: Actor): Promise<string> {
  return addEntry(db, dogId, 'visit', actor, (tx, by) => insertVisit(tx, { ...input, dog_id: dogId, created_by: by }));
}

/** Deletes an entry entered by mistake; a 404 when the dog or the entry does not exist. */
export async function deleteMedicalEntry(db: Db, dogId: string, kind: MedicalKind, entryId: string, actor: Actor): Promise<void> {
  await getDog(db, dogId);
  await db.transaction().execute(async (tx) => {
    if (!(await deleteEntry(tx, tables[kind], dogId, entryId))) throw notFound('That medical entry');
    await recordAudit(tx, { actor, action: `medical.${kind}_deleted`, target: { type: 'dog', id: dogId }, detail: { [`${kind}_id`]: entryId } });
  });
}
