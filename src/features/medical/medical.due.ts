import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { closedStatusList } from '../dogs/dogs.public.js';
import { dayIn } from '../../platform/locale/index.js';
import { vaccinationName } from './medical.fields.js';
import { selectTreatmentsDue, selectVaccinationsDue } from './medical.queries.js';

/** One vaccination or treatment dose that is due, with the dog it is for. */
export interface DueItem {
  kind: 'vaccination' | 'treatment' | 'medication';
  id: string;
  dogId: string;
  dogName: string;
  /** What is due, in words: "Rabies", "Apoquel". */
  what: string;
  dueOn: string;
}

/** What is overdue (due before today) and what falls due from today to today + horizon, inclusive. */
export interface MedicalDue {
  overdue: DueItem[];
  upcoming: DueItem[];
}

/** How far ahead the due lists look, in days. */
export const dueHorizonDays = 14;

/** The rescue's today as YYYY-MM-DD: the calendar day in its time zone (UTC when not given). */
export function rescueToday(now = new Date(), timeZone = 'UTC'): string {
  return dayIn(now, timeZone);
}

/** The calendar day `days` after a YYYY-MM-DD day, counted in UTC. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Vaccinations and treatments overdue or due within `horizonDays` of `today`, for dogs still in care;
 * only for the dogs in one foster's care when `fosterId` is given (a foster's own lists).
 */
export async function medicalDue(db: Kysely<TenantSchema>, today: string, horizonDays = dueHorizonDays, fosterId?: string): Promise<MedicalDue> {
  const until = addDays(today, horizonDays);
  const vaccinations = await selectVaccinationsDue(db, until, closedStatusList, fosterId);
  const treatments = await selectTreatmentsDue(db, until, closedStatusList, fosterId);
  const items: DueItem[] = [
    ...vaccinations.map((v) => ({ kind: 'vaccination' as const, id: v.id, dogId: v.dog_id, dogName: v.dog_name, what: vaccinationName(v.type, v.label), dueOn: v.due_on })),
    ...treatments.map((t) => ({ kind: t.kind, id: t.id, dogId: t.dog_id, dogName: t.dog_name, what: t.name, dueOn: t.due_on })),
  ].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.dogName.localeCompare(b.dogName) || a.what.localeCompare(b.what));
  return { overdue: items.filter((i) => i.dueOn < today), upcoming: items.filter((i) => i.dueOn >= today) };
}
