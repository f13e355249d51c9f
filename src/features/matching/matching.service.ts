/**
 * Photo matching's operations: embed one approved photo, forget a photo's vectors, re-embed a
 * rescue's photos for a new model in resumable batches, and search for the nearest photos of dogs
 * in care. Matching is advisory: a candidate carries a grade and the embedder's model id, never a
 * claim that two photos show the same dog.
 */
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { descriptorModelId } from './descriptor.js';
import type { ImageEmbedder } from './embedder.js';
import { deleteOtherModels, deletePhotoEmbeddings, ensureModelIndex, hasEmbeddingsTable, nearest, photosLackingModel, upsertEmbedding } from './matching.queries.js';

type Db = Kysely<TenantSchema>;

/** What the operations need: the rescue's database, its photo store and the embedder in use. */
export interface MatchingDeps { db: Db; store: BlobStore; embedder: ImageEmbedder }

/** How strongly a candidate resembles the query; never a percentage that reads as certainty. */
export type MatchGrade = 'strong' | 'possible' | 'weak';

/** A search result: the photo, its dog, the cosine similarity, its grade and the model that made the vectors. */
export interface MatchCandidate { photoId: string; dogId: string; similarity: number; grade: MatchGrade; modelId: string }

/**
 * Grade thresholds per model id (cosine similarity at or above). The descriptor's are calibrated by
 * `npm run bench:matching` (bench/matching-calibrate.ts) on its generated edit set at default settings
 * (40 dogs × 5 photos, 40 distractors): strong is the lowest similarity where the candidates at or
 * above it are the right dog ≥ 0.9 of the time (0.531 there), possible ≥ 0.5 (0.414); it was 0.75 /
 * 0.5 by hand, which left right dogs down to 0.56 "possible". An unknown model gets the fallback.
 */
export const gradeThresholds: Record<string, { strong: number; possible: number }> = {
  [descriptorModelId]: { strong: 0.53, possible: 0.41 },
};
const fallbackThresholds = { strong: 0.85, possible: 0.7 };

/** The grade of a similarity under a model's thresholds. */
export function gradeOf(modelId: string, similarity: number): MatchGrade {
  const t = gradeThresholds[modelId] ?? fallbackThresholds;
  return similarity >= t.strong ? 'strong' : similarity >= t.possible ? 'possible' : 'weak';
}

/** Refuses matching where the database has no pgvector (its table was never created). */
export async function assertMatchingAvailable(db: Db): Promise<void> {
  if (!(await hasEmbeddingsTable(db))) throw new KonaError('KONA_ERR_UNAVAILABLE', 'Photo matching is unavailable: this rescue\'s database has no pgvector. The README says how to install it.');
}

async function photoBytes(store: BlobStore, photo: { sha256: string; variants: Record<string, string> }): Promise<Buffer | undefined> {
  // The large JPEG variant is upright, metadata-free and bounded in size; the original only if it is missing.
  const blob = (await store.get(photo.variants['large.jpg'] ?? photo.sha256)) ?? (await store.get(photo.sha256));
  if (!blob) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Embeds one photo with the embedder in use, if it is still approved (it may have been rejected or
 * deleted while the job waited). Returns whether a vector was stored.
 */
export async function embedPhoto(deps: MatchingDeps, photoId: string): Promise<boolean> {
  const { db, embedder } = deps;
  const photo = await db.selectFrom('dog_photos').select(['id', 'dog_id', 'sha256', 'variants', 'status']).where('id', '=', photoId).executeTakeFirst();
  if (!photo || photo.status !== 'approved') return false;
  const bytes = await photoBytes(deps.store, photo);
  if (!bytes) return false;
  const vector = await embedder.embed(bytes);
  if (vector.length !== embedder.dimension) throw new KonaError('KONA_ERR_INTERNAL', `The embedder ${embedder.modelId} declared ${embedder.dimension} dimensions and returned ${vector.length}.`);
  await ensureModelIndex(db, embedder.modelId, embedder.dimension);
  await upsertEmbedding(db, { photoId, dogId: photo.dog_id, modelId: embedder.modelId, vector });
  return true;
}

/** Forgets every vector of a photo (a rejection; a deletion cascades in the database). */
export async function forgetPhoto(db: Db, photoId: string): Promise<number> {
  if (!(await hasEmbeddingsTable(db))) return 0;
  return deletePhotoEmbeddings(db, photoId);
}

/**
 * One batch of re-embedding for the embedder in use: the next `batchSize` approved photos lacking
 * its vector. When none are left, the other models' vectors are removed. Resumable by construction:
 * an interrupted run leaves vectors stored so far, and the next run picks up the photos still lacking one.
 */
export async function reembedBatch(deps: MatchingDeps, batchSize: number): Promise<{ embedded: number; done: boolean; removed: number }> {
  const photos = await photosLackingModel(deps.db, deps.embedder.modelId, batchSize);
  let embedded = 0;
  for (const p of photos) {
    try {
      if (await embedPhoto(deps, p.id)) embedded++;
    } catch (err) {
      // A photo that cannot be read must not stall the batch forever; it stays without a vector.
      if (!(err instanceof KonaError) || err.status >= 500) throw err;
    }
  }
  if (photos.length === batchSize) return { embedded, done: false, removed: 0 };
  return { embedded, done: true, removed: await deleteOtherModels(deps.db, deps.embedder.modelId) };
}

/** The k photos nearest a query vector through the model's HNSW index (dogs in care, approved photos). */
export async function searchSimilar(db: Db, modelId: string, vector: readonly number[], k: number): Promise<MatchCandidate[]> {
  return candidates(modelId, await nearest(db, modelId, vector, k, false));
}

/** The same search by an exact scan: the baseline HNSW recall is measured against. */
export async function searchSimilarExact(db: Db, modelId: string, vector: readonly number[], k: number): Promise<MatchCandidate[]> {
  return candidates(modelId, await nearest(db, modelId, vector, k, true));
}

function candidates(modelId: string, rows: { photo_id: string; dog_id: string; similarity: number }[]): MatchCandidate[] {
  return rows.map((r) => ({ photoId: r.photo_id, dogId: r.dog_id, similarity: r.similarity, grade: gradeOf(modelId, r.similarity), modelId }));
}
