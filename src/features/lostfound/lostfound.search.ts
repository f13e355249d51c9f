/**
 * The lost-and-found search: each photo is described by the embedder matching uses and searched
 * in every rescue that takes part. A candidate carries public-safe facts only (the dog's name, a
 * public photo, the rescue's name, page and area, a grade in words), never a score that reads as
 * certainty and never anything private about the dog.
 */
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { assertMatchingAvailable, searchSimilar, type ImageEmbedder, type MatchGrade } from '../matching/matching.public.js';
import { selectCandidateFacts, selectTakesPart } from './lostfound.queries.js';

/** A rescue as the search reaches it. */
export interface SearchedRescue { slug: string; name: string; db: Kysely<TenantSchema> }

/** One candidate, exactly as the results page may show it. */
export interface PublicCandidate {
  dogName: string;
  photoUrl: string;
  rescueName: string;
  rescueUrl: string;
  area: string;
  grade: MatchGrade;
  contactUrl: string;
}

/** What one rescue gave: its candidates, or that matching is unavailable there; undefined when it does not take part. */
export interface RescueResult { slug: string; name: string; unavailable: boolean; candidates: (PublicCandidate & { similarity: number })[] }

/** Nearest photos asked of each rescue per query photo. */
export const candidatesPerPhoto = 10;
const gradeOrder: Record<MatchGrade, number> = { strong: 0, possible: 1, weak: 2 };

/** Searches one rescue with the query vectors; undefined when it opted out. */
export async function searchRescue(rescue: SearchedRescue, embedder: ImageEmbedder, vectors: number[][]): Promise<RescueResult | undefined> {
  const settings = await selectTakesPart(rescue.db);
  if (!settings.takesPart) return undefined;
  const name = settings.name || rescue.name;
  try {
    await assertMatchingAvailable(rescue.db);
  } catch (err) {
    if (err instanceof KonaError && err.code === 'KONA_ERR_UNAVAILABLE') return { slug: rescue.slug, name, unavailable: true, candidates: [] };
    throw err;
  }
  // The best photo of each dog over every query photo.
  const best = new Map<string, { photoId: string; similarity: number; grade: MatchGrade }>();
  for (const v of vectors) {
    for (const c of await searchSimilar(rescue.db, embedder.modelId, v, candidatesPerPhoto)) {
      const seen = best.get(c.dogId);
      if (!seen || c.similarity > seen.similarity) best.set(c.dogId, { photoId: c.photoId, similarity: c.similarity, grade: c.grade });
    }
  }
  const facts = new Map((await selectCandidateFacts(rescue.db, [...best.values()].map((b) => b.photoId))).map((f) => [f.photo_id, f]));
  const base = `/r/${rescue.slug}`;
  const candidates = [...best.values()].flatMap((b) => {
    const f = facts.get(b.photoId);
    if (!f) return [];
    return [{ dogName: f.name, photoUrl: `${base}/lost-and-found/photo/${f.sha256}`, rescueName: name, rescueUrl: `${base}/`, area: settings.area, grade: b.grade, contactUrl: `${base}/lost-and-found/contact/${f.sha256}`, similarity: b.similarity }];
  });
  return { slug: rescue.slug, name, unavailable: false, candidates };
}

/** Every rescue's candidates as one list, best grade first (then most alike), stripped to the public-safe fields. */
export function rankCandidates(results: RescueResult[], limit = 20): PublicCandidate[] {
  return results.flatMap((r) => r.candidates)
    .sort((a, b) => gradeOrder[a.grade] - gradeOrder[b.grade] || b.similarity - a.similarity)
    .slice(0, limit)
    .map(({ dogName, photoUrl, rescueName, rescueUrl, area, grade, contactUrl }) => ({ dogName, photoUrl, rescueName, rescueUrl, area, grade, contactUrl }));
}
