/**
 * The vet's search across rescues. Each rescue that lets vets search (rescue_settings.vet_search)
 * is asked for its dogs in care that match: an exact microchip first, then photos graded by the
 * matching feature, then details alone (only when there is neither chip nor photo). Details given
 * (breed, sex, age) narrow photo results too; the clinic area only ranks nearby rescues first.
 * A candidate holds the minimum a vet needs to recognise the dog, and a signed reference.
 */
import type { MatchGrade } from '../matching/matching.public.js';
import { assertMatchingAvailable, inCareStatuses, searchSimilar } from '../matching/matching.public.js';
import type { NamedTenant } from '../../platform/tenancy/fan-out.js';
import { KonaError } from '../../platform/errors/errors.js';
import { selectCandidateDogs, selectChipMatches, selectDetailMatches, selectDogsWithPhotos, selectMatchingAmong, selectVetSearchSetting, type DetailFilter } from './search.queries.js';
import { ageToleranceYears, type VetSearchValues } from './search.schema.js';
import { signCandidateRef } from './search.ref.js';

/** Nearest photos asked of each rescue, and dogs by details alone per rescue. */
export const perRescueLimit = 10;
/** Candidates one search shows at most. */
export const resultLimit = 20;
const yearMs = 365.25 * 86_400_000;

/** What one search looks for, as checked. */
export interface VetQuery { chip?: string; vector?: number[]; modelId: string; filter: DetailFilter; area: string }

/** Why a candidate was shown, in order of strength. */
export type MatchReason = { kind: 'microchip' } | { kind: 'photo'; grade: MatchGrade } | { kind: 'details' };

/** One candidate exactly as the vet may see it. */
export interface VetCandidate {
  ref: string;
  dogName: string;
  photoUrl: string | null;
  breeds: string[];
  sex: 'male' | 'female' | 'unknown';
  ageYears: number | null;
  rescueName: string;
  rescueArea: string;
  reasons: MatchReason[];
}

/** What one rescue gave; undefined when it does not let vets search. */
export interface VetRescueResult { slug: string; unavailable: boolean; candidates: (VetCandidate & { dogId: string; order: number[] })[] }

/** The dates a dog of about `age` years was born between (tolerance either side), judged at `now`. */
export function birthWindow(age: number, now: number): { bornAfter: string; bornBefore: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { bornAfter: day(now - (age + ageToleranceYears) * yearMs), bornBefore: day(now - Math.max(0, age - ageToleranceYears) * yearMs) };
}

/** The query a checked form makes (the photo's vector added by the caller). */
export function queryOf(values: VetSearchValues, modelId: string, now: number, vector?: number[]): VetQuery {
  const filter: DetailFilter = {
    ...(values.breed ? { breed: values.breed } : {}),
    ...(values.sex ? { sex: values.sex } : {}),
    ...(values.age !== '' ? birthWindow(Number(values.age), now) : {}),
  };
  return { ...(values.microchip ? { chip: values.microchip } : {}), ...(vector ? { vector } : {}), modelId, filter, area: values.area };
}

/** The signals a query used, by name (for the page and the audit log). */
export function signalsOf(q: VetQuery): string[] {
  return [q.vector && 'photo', q.chip && 'microchip', q.filter.breed && 'breed', q.filter.sex && 'sex', q.filter.bornAfter && 'age', q.area && 'area'].filter((s): s is string => !!s);
}

const gradeRank: Record<MatchGrade, number> = { strong: 0, possible: 1, weak: 2 };
const near = (a: string, b: string) => !!a.trim() && !!b.trim() && (a.toLowerCase().includes(b.trim().toLowerCase()) || b.toLowerCase().includes(a.trim().toLowerCase()));

/** Searches one rescue for a vet; undefined when the rescue does not let vets search. */
export async function searchRescueForVet(rescue: NamedTenant, q: VetQuery, vet: { id: string; secret: string; now: number }): Promise<VetRescueResult | undefined> {
  const setting = await selectVetSearchSetting(rescue.db);
  if (!setting.on) return undefined;
  const found = new Map<string, { reasons: MatchReason[]; similarity: number }>();
  const add = (dogId: string, reason: MatchReason, similarity = 0) => {
    const seen = found.get(dogId) ?? { reasons: [], similarity: 0 };
    seen.reasons.push(reason);
    seen.similarity = Math.max(seen.similarity, similarity);
    found.set(dogId, seen);
  };
  if (q.chip) for (const id of await selectChipMatches(rescue.db, q.chip, inCareStatuses)) add(id, { kind: 'microchip' });
  let unavailable = false;
  if (q.vector) {
    const photo = await photoMatches(rescue, q);
    if (photo === 'unavailable') unavailable = true;
    else for (const m of photo) add(m.dogId, { kind: 'photo', grade: m.grade }, m.similarity);
  }
  if (!q.chip && !q.vector) for (const id of await selectDetailMatches(rescue.db, q.filter, inCareStatuses, perRescueLimit)) add(id, { kind: 'details' });
  const ids = [...found.keys()];
  const [dogs, withPhotos] = await Promise.all([selectCandidateDogs(rescue.db, ids, inCareStatuses), selectDogsWithPhotos(rescue.db, ids)]);
  const name = setting.name || rescue.name;
  const nearby = near(setting.area, q.area) ? 0 : 1;
  const candidates = dogs.map((d) => {
    const f = found.get(d.id)!;
    const ref = signCandidateRef(vet.secret, vet.id, rescue.slug, d.id, vet.now);
    const strongest = f.reasons.some((r) => r.kind === 'microchip') ? 0 : f.reasons.some((r) => r.kind === 'photo') ? 1 : 2;
    const grade = f.reasons.find((r): r is Extract<MatchReason, { kind: 'photo' }> => r.kind === 'photo')?.grade;
    return {
      ref, dogId: d.id, dogName: d.name, photoUrl: withPhotos.has(d.id) ? `/vet/photo?ref=${encodeURIComponent(ref)}` : null, breeds: d.breeds, sex: d.sex,
      ageYears: d.birth_date ? Math.max(0, Math.floor((vet.now - d.birth_date.getTime()) / yearMs)) : null,
      rescueName: name, rescueArea: setting.area, reasons: f.reasons,
      order: [strongest, grade ? gradeRank[grade] : 3, nearby, -f.similarity],
    };
  });
  return { slug: rescue.slug, unavailable, candidates };
}

async function photoMatches(rescue: NamedTenant, q: VetQuery): Promise<{ dogId: string; grade: MatchGrade; similarity: number }[] | 'unavailable'> {
  try {
    await assertMatchingAvailable(rescue.db);
  } catch (err) {
    if (err instanceof KonaError && err.code === 'KONA_ERR_UNAVAILABLE') return 'unavailable';
    throw err;
  }
  const best = new Map<string, { dogId: string; grade: MatchGrade; similarity: number }>();
  for (const c of await searchSimilar(rescue.db, q.modelId, q.vector!, perRescueLimit)) {
    const seen = best.get(c.dogId);
    if (!seen || c.similarity > seen.similarity) best.set(c.dogId, { dogId: c.dogId, grade: c.grade, similarity: c.similarity });
  }
  const keep = await selectMatchingAmong(rescue.db, [...best.keys()], q.filter, inCareStatuses);
  return [...best.values()].filter((m) => keep.has(m.dogId));
}

/** Every rescue's candidates as one list, strongest reason first, stripped to the fields a vet may see. */
export function rankVetCandidates(results: VetRescueResult[], limit = resultLimit): { shown: VetCandidate[]; byRescue: Map<string, string[]> } {
  const all = results.flatMap((r) => r.candidates.map((c) => ({ ...c, slug: r.slug })));
  const cmp = (a: number[], b: number[]) => { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!; return 0; };
  const top = all.sort((a, b) => cmp(a.order, b.order)).slice(0, limit);
  const byRescue = new Map<string, string[]>();
  for (const c of top) byRescue.set(c.slug, [...(byRescue.get(c.slug) ?? []), c.dogId]);
  const shown = top.map(({ ref, dogName, photoUrl, breeds, sex, ageYears, rescueName, rescueArea, reasons }) => ({ ref, dogName, photoUrl, breeds, sex, ageYears, rescueName, rescueArea, reasons }));
  return { shown, byRescue };
}
