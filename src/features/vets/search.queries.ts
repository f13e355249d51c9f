/** The vet search's SQL in one rescue's database: its setting, and the few facts a candidate shows. */
import { sql, type Kysely } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** Whether verified vets may find this rescue's dogs (on unless an admin turned it off), its name and public area. */
export async function selectVetSearchSetting(db: Db): Promise<{ on: boolean; name?: string; area: string }> {
  const row = await db.selectFrom('rescue_settings').select(['vet_search', 'name', 'area']).executeTakeFirst();
  return { on: row?.vet_search ?? true, name: row?.name, area: row?.area ?? '' };
}

/** The details that narrow a search (each optional). */
export interface DetailFilter { breed?: string; sex?: 'male' | 'female'; bornAfter?: string; bornBefore?: string }

const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function inCareDogs(db: Db, inCare: readonly DogStatus[]) {
  return db.selectFrom('dogs as d').where('d.status', 'in', [...inCare]);
}

/**
 * Narrows a dog query by the details given: any of its breeds contains the typed breed (case
 * aside); its sex and age match unless the rescue has not recorded them (unknown is not a mismatch).
 */
function filtered<Q extends ReturnType<typeof inCareDogs>>(q: Q, f: DetailFilter): Q {
  let out = q;
  if (f.breed) out = out.where(sql<boolean>`exists (select 1 from unnest(d.breeds) as b(name) where b.name ilike ${`%${likeEscaped(f.breed)}%`})`) as Q;
  if (f.sex) out = out.where((eb) => eb.or([eb('d.sex', '=', f.sex!), eb('d.sex', '=', 'unknown')])) as Q;
  if (f.bornAfter && f.bornBefore) out = out.where((eb) => eb.or([eb('d.birth_date', 'is', null), eb.and([eb('d.birth_date', '>=', sql<Date>`${f.bornAfter}::date`), eb('d.birth_date', '<=', sql<Date>`${f.bornBefore}::date`)])])) as Q;
  return out;
}

/** Dogs in care whose microchip is exactly this number (normalised: digits only). */
export async function selectChipMatches(db: Db, chip: string, inCare: readonly DogStatus[]): Promise<string[]> {
  return (await inCareDogs(db, inCare).select('d.id').where('d.microchip', '=', chip).execute()).map((r) => r.id);
}

/** Dogs in care matching the details, newest intake first, at most `limit`. */
export async function selectDetailMatches(db: Db, f: DetailFilter, inCare: readonly DogStatus[], limit: number): Promise<string[]> {
  return (await filtered(inCareDogs(db, inCare).select('d.id'), f).orderBy('d.intake_date', 'desc').orderBy('d.id').limit(limit).execute()).map((r) => r.id);
}

/** Of these dogs, the ones in care that match the details. */
export async function selectMatchingAmong(db: Db, dogIds: string[], f: DetailFilter, inCare: readonly DogStatus[]): Promise<Set<string>> {
  if (dogIds.length === 0) return new Set();
  return new Set((await filtered(inCareDogs(db, inCare).select('d.id').where('d.id', 'in', dogIds), f).execute()).map((r) => r.id));
}

/** What a candidate shows of each dog in care: name, breeds, sex, birth date (nothing else is read). */
export function selectCandidateDogs(db: Db, dogIds: string[], inCare: readonly DogStatus[]) {
  if (dogIds.length === 0) return Promise.resolve([]);
  return inCareDogs(db, inCare).select(['d.id', 'd.name', 'd.breeds', 'd.sex', 'd.birth_date']).where('d.id', 'in', dogIds).execute();
}

/** The medium JPEG of a dog's first approved photo (primary first), while the dog is in care. */
export async function selectShownPhoto(db: Db, dogId: string, inCare: readonly DogStatus[]): Promise<string | undefined> {
  const row = await db.selectFrom('dog_photos as p').innerJoin('dogs as d', 'd.id', 'p.dog_id').select('p.variants')
    .where('p.dog_id', '=', dogId).where('p.status', '=', 'approved').where('d.status', 'in', [...inCare])
    .orderBy('p.is_primary', 'desc').orderBy('p.position').orderBy('p.created_at').limit(1).executeTakeFirst();
  return row?.variants['medium.jpg'];
}

/** Which of these dogs have an approved photo (so a candidate shows one only where there is one). */
export async function selectDogsWithPhotos(db: Db, dogIds: string[]): Promise<Set<string>> {
  if (dogIds.length === 0) return new Set();
  return new Set((await db.selectFrom('dog_photos').select('dog_id').distinct().where('dog_id', 'in', dogIds).where('status', '=', 'approved').execute()).map((r) => r.dog_id));
}
