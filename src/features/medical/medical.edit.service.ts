import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { getDog } from '../dogs/dogs.public.js';
import { insertDose, insertVaccination, selectTreatments, selectVaccinations, selectVisits, updateTreatment, updateVaccination, updateVisit } from './medical.queries.js';
import { nextBoosterDue, nextDoseDue } from './medical.schedule.js';
import type { BoosterInput, TreatmentInput, VaccinationInput, VisitInput } from './medical.schema.js';
import type { MedicalKind } from './medical.service.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/** One vaccination of a dog as the edit page shows it; a 404 when there is none. */
export async function vaccinationOf(db: Db, dogId: string, id: string) {
  const row = (await selectVaccinations(db, dogId)).find((v) => v.id === id);
  if (!row) throw notFound('That vaccination');
  return row;
}

/** One treatment of a dog; a 404 when there is none. */
export async function treatmentOf(db: Db, dogId: string, id: string) {
  const row = (await selectTreatments(db, dogId)).find((t) => t.id === id);
  if (!row) throw notFound('That treatment');
  return row;
}

/** One vet visit of a dog; a 404 when there is none. */
export async function visitOf(db: Db, dogId: string, id: string) {
  const row = (await selectVisits(db, dogId)).find((v) => v.id === id);
  if (!row) throw notFound('That vet visit');
  return row;
}

// Changes one entry and audits it in one transaction; the audit keeps ids only, never the details.
async function editEntry(db: Db, dogId: string, kind: MedicalKind, id: string, actor: Actor, update: (tx: Db) => Promise<boolean>): Promise<void> {
  await getDog(db, dogId);
  await db.transaction().execute(async (tx) => {
    if (!(await update(tx))) throw notFound('That medical entry');
    await recordAudit(tx, { actor, action: `medical.${kind}_edited`, target: { type: 'dog', id: dogId }, detail: { [`${kind}_id`]: id } });
  });
}

/** Corrects a vaccination. */
export function editVaccination(db: Db, dogId: string, id: string, input: VaccinationInput, actor: Actor): Promise<void> {
  return editEntry(db, dogId, 'vaccination', id, actor, (tx) => updateVaccination(tx, dogId, id, input));
}

/** Corrects a treatment or medication, its schedule included. */
export function editTreatment(db: Db, dogId: string, id: string, input: TreatmentInput, actor: Actor): Promise<void> {
  return editEntry(db, dogId, 'treatment', id, actor, (tx) => updateTreatment(tx, dogId, id, input));
}

/** Corrects a vet visit. */
export function editVisit(db: Db, dogId: string, id: string, input: VisitInput, actor: Actor): Promise<void> {
  return editEntry(db, dogId, 'visit', id, actor, (tx) => updateVisit(tx, dogId, id, input));
}

/**
 * Records a booster of a vaccination: a new dose of the same vaccine, next due after the same
 * interval the previous dose had. The previous dose stops counting as due (only the latest does).
 */
export async function recordBooster(db: Db, dogId: string, vaccinationId: string, input: BoosterInput, actor: Actor): Promise<string> {
  const previous = await vaccinationOf(db, dogId, vaccinationId);
  if (input.given_on <= previous.given_on) {
    throw new KonaError('KONA_ERR_VALIDATION', `The booster was not recorded: its date must be after ${previous.given_on}, when the previous dose was given.`, { fields: { given_on: 'must be after the previous dose' } });
  }
  const dueOn = nextBoosterDue({ givenOn: previous.given_on, dueOn: previous.due_on }, input.given_on);
  return db.transaction().execute(async (tx) => {
    const id = await insertVaccination(tx, { dog_id: dogId, type: previous.type, label: previous.label, given_on: input.given_on, due_on: dueOn, given_by: input.given_by, created_by: staffId(actor) });
    await recordAudit(tx, { actor, action: 'medical.booster_recorded', target: { type: 'dog', id: dogId }, detail: { vaccination_id: id, previous_id: vaccinationId } });
    return id;
  });
}

/**
 * Records a dose of a repeating treatment given on a day and moves its next due date one interval
 * on (or clears it when the course has ended). Returns the new next due date.
 */
export async function recordDose(db: Db, dogId: string, treatmentId: string, givenOn: string, actor: Actor): Promise<string | null> {
  const t = await treatmentOf(db, dogId, treatmentId);
  if (!t.repeat_every || !t.repeat_unit) {
    throw new KonaError('KONA_ERR_CONFLICT', `${t.name} has no repeat interval, so Kona cannot tell when the next dose is due. Edit it and set how often it repeats first.`);
  }
  if (givenOn < t.starts_on) {
    throw new KonaError('KONA_ERR_VALIDATION', `The dose was not recorded: it cannot be before ${t.starts_on}, when ${t.name} started.`, { fields: { given_on: 'cannot be before the start date' } });
  }
  const next = nextDoseDue({ repeatEvery: t.repeat_every, repeatUnit: t.repeat_unit, endsOn: t.ends_on }, givenOn);
  await db.transaction().execute(async (tx) => {
    const doseId = await insertDose(tx, { treatment_id: treatmentId, dog_id: dogId, given_on: givenOn, given_by: staffId(actor) });
    await updateTreatment(tx, dogId, treatmentId, { next_due_on: next });
    await recordAudit(tx, { actor, action: 'medical.dose_recorded', target: { type: 'dog', id: dogId }, detail: { treatment_id: treatmentId, dose_id: doseId } });
  });
  return next;
}
