import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema, Whereabouts } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { closedStatuses, initialStatus } from './dogs.lifecycle.js';
import { countDogsByStatus, insertDog, insertStatusHistory, selectDog, selectDogIdByMicrochip, selectWeights, updateDogRow, type DogRow } from './dogs.queries.js';
import type { BirthInput, DogForm } from './dogs.schema.js';
import { ageOn, isoToday, monthsBefore } from './dogs.values.js';
import { listStaff, staffStanding, type StaffDeps } from '../staff/staff.public.js';

type Db = Kysely<TenantSchema>;

/** The columns the create and edit forms fill. */
export type DogFields = Omit<DogForm, 'birth' | 'whereabouts'> & { birth_date: string | null; birth_date_estimated: boolean; whereabouts: Whereabouts };

/** The birth date a form's age input stands for; an unchanged estimate keeps its stored day. */
export function resolveBirth(birth: BirthInput, today: string, current?: Pick<DogRow, 'birth_date' | 'birth_date_estimated'>) {
  if (birth.kind === 'unknown') return { birth_date: null, birth_date_estimated: false };
  if (birth.kind === 'date') return { birth_date: birth.date, birth_date_estimated: false };
  // Re-saving a form shows the age in whole months; recomputing would move the date by days each time.
  if (current?.birth_date_estimated && current.birth_date) {
    const age = ageOn(current.birth_date, today);
    if (age.years * 12 + age.months === birth.months) return { birth_date: current.birth_date, birth_date_estimated: true };
  }
  return { birth_date: monthsBefore(today, birth.months), birth_date_estimated: true };
}

// A dog with a foster stays there whatever the form says: only ending the placement moves it.
function fieldsOf(form: DogForm, today: string, current?: DogRow): DogFields {
  const { birth, ...rest } = form;
  const whereabouts = current?.whereabouts === 'foster' ? 'foster' : form.whereabouts;
  return { ...rest, whereabouts, ...resolveBirth(birth, today, current) };
}

/** Active admins and staff, names decrypted, by name: who can be a dog's staff contact. */
export async function staffContactChoices(deps: StaffDeps): Promise<{ id: string; name: string }[]> {
  const all = await listStaff(deps);
  return all
    .filter((s) => s.status === 'active' && (s.role === 'admin' || s.role === 'staff'))
    .map((s) => ({ id: s.id, name: s.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// The form offers only active admins and staff; an edited or stale form must not point elsewhere.
async function assertStaffContact(db: Db, id: string | null): Promise<void> {
  if (!id) return;
  const s = await staffStanding(db, id);
  if (!s || !s.active || (s.role !== 'admin' && s.role !== 'staff')) {
    throw new KonaError('KONA_ERR_VALIDATION', 'Choose the staff contact from the list of active admins and staff.', { fields: { staff_contact_id: 'is not an active admin or staff member here' } });
  }
}

async function assertMicrochipFree(db: Db, microchip: string | null, selfId?: string): Promise<void> {
  if (!microchip) return;
  const holder = await selectDogIdByMicrochip(db, microchip);
  if (holder && holder.id !== selfId) throw microchipTaken(holder.name);
}

function microchipTaken(holder?: string): KonaError {
  const who = holder ? `${holder}'s record` : 'another dog\'s record';
  return new KonaError('KONA_ERR_CONFLICT', `That microchip number is already on ${who}. Check the number, or open that dog instead.`, {
    fields: { microchip: 'is already on another dog at this rescue' },
  });
}

// Two people saving the same number at once: the unique index decides, with the same message.
function isMicrochipViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'dogs_microchip_key';
}

// The form was read before a foster placement started (or ended): the table's check refuses the save.
function isWhereaboutsViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23514' && e.constraint === 'dogs_whereabouts_foster';
}

const placementChanged = () => new KonaError('KONA_ERR_CONFLICT', 'Someone placed this dog in a foster home, or ended its placement, a moment ago. Reload the dog and save again.', {
  fields: { whereabouts: 'changed with a foster placement meanwhile' },
});

/** One dog by id, or a 404. */
export async function getDog(db: Db, id: string): Promise<DogRow> {
  const dog = await selectDog(db, id);
  if (!dog) throw notFound('That dog');
  return dog;
}

/** Takes a dog in: its record, the first row of its status history, and an audit entry. */
export async function createDog(db: Db, form: DogForm, actor: Actor): Promise<string> {
  const fields = fieldsOf(form, isoToday());
  await assertMicrochipFree(db, fields.microchip);
  await assertStaffContact(db, fields.staff_contact_id);
  try {
    return await db.transaction().execute(async (tx) => {
      const id = await insertDog(tx, { ...fields, status: initialStatus });
      await insertStatusHistory(tx, { dog_id: id, from_status: null, to_status: initialStatus, reason: '', changed_by: actor.type === 'staff' ? (actor.id ?? null) : null });
      await recordAudit(tx, { actor, action: 'dog.created', target: { type: 'dog', id }, detail: { status: initialStatus } });
      return id;
    });
  } catch (err) {
    if (isMicrochipViolation(err)) throw microchipTaken();
    throw err;
  }
}

const same = (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? a.join('\u0000') === b.join('\u0000') : a === b);

/** Saves an edited dog and audits which fields changed (names only). */
export async function updateDog(db: Db, id: string, form: DogForm, actor: Actor): Promise<{ changed: string[] }> {
  const current = await getDog(db, id);
  const next = fieldsOf(form, isoToday(), current);
  const changed = (Object.keys(next) as (keyof DogFields)[]).filter((k) => !same(current[k], next[k]));
  if (changed.length === 0) return { changed };
  if (changed.includes('microchip')) await assertMicrochipFree(db, next.microchip, id);
  if (changed.includes('staff_contact_id')) await assertStaffContact(db, next.staff_contact_id);
  try {
    await db.transaction().execute(async (tx) => {
      await updateDogRow(tx, id, next);
      await recordAudit(tx, { actor, action: 'dog.updated', target: { type: 'dog', id }, detail: { fields: changed } });
    });
  } catch (err) {
    if (isMicrochipViolation(err)) throw microchipTaken();
    if (isWhereaboutsViolation(err)) throw placementChanged();
    throw err;
  }
  return { changed };
}

/**
 * Sets the dog's public description on its own (an approved AI draft of the bio): the change is
 * audited like any edit, with the field's name only, and `source` says where the text came from.
 */
export async function setPublicDescription(db: Db, id: string, text: string, actor: Actor, source: string): Promise<void> {
  const current = await getDog(db, id);
  const description = text.trim();
  if (description.length > 5000) throw new KonaError('KONA_ERR_VALIDATION', 'The public description can be at most 5,000 characters.');
  if (current.public_description === description) return;
  await db.transaction().execute(async (tx) => {
    await updateDogRow(tx, id, { public_description: description });
    await recordAudit(tx, { actor, action: 'dog.updated', target: { type: 'dog', id }, detail: { fields: ['public_description'], source } });
  });
}

/**
 * Sets the dog's microchip or spay/neuter status on its own (a confirmed entry read from a vet
 * document): checked like the edit form (a microchip is one dog's), audited with the field names
 * and `source`. A value the dog already has changes nothing.
 */
export async function setDogMedicalFacts(db: Db, id: string, facts: { microchip?: string; spay_neuter?: 'yes' | 'no' }, actor: Actor, source: string): Promise<void> {
  const current = await getDog(db, id);
  const next: { microchip?: string; spay_neuter?: 'yes' | 'no' } = {};
  if (facts.microchip !== undefined && facts.microchip.replace(/[\s-]/g, '') !== current.microchip) next.microchip = facts.microchip.replace(/[\s-]/g, '');
  if (facts.spay_neuter !== undefined && facts.spay_neuter !== current.spay_neuter) next.spay_neuter = facts.spay_neuter;
  const changed = Object.keys(next);
  if (changed.length === 0) return;
  if (next.microchip !== undefined) {
    if (!/^\d{9,15}$/.test(next.microchip)) throw new KonaError('KONA_ERR_VALIDATION', 'A microchip number is 9 to 15 digits.');
    await assertMicrochipFree(db, next.microchip, id);
  }
  try {
    await db.transaction().execute(async (tx) => {
      await updateDogRow(tx, id, next);
      await recordAudit(tx, { actor, action: 'dog.updated', target: { type: 'dog', id }, detail: { fields: changed, source } });
    });
  } catch (err) {
    if (isMicrochipViolation(err)) throw microchipTaken();
    throw err;
  }
}

/** The closed statuses as a list, for queries that leave closed records out. */
export const closedStatusList = [...closedStatuses];

/** Headline counts for the dashboard: dogs in care, and of those, dogs with the status available (of one foster's dogs when `fosterId` is given). */
export async function dogCounts(db: Db, fosterId?: string): Promise<{ inCare: number; available: number }> {
  const byStatus = await countDogsByStatus(db, fosterId);
  let inCare = 0;
  for (const [status, n] of byStatus) if (!closedStatuses.has(status)) inCare += n;
  return { inCare, available: byStatus.get('available') ?? 0 };
}

/** A dog's weighings, the latest first: how other features (medical) read the weight history. */
export async function weightHistory(db: Db, dogId: string): Promise<{ kg: number; weighedOn: string }[]> {
  return (await selectWeights(db, dogId)).map((w) => ({ kg: w.kg, weighedOn: w.weighed_on }));
}
