/** The matching feature's SQL: vectors per photo per model, their HNSW indexes, and the k-NN searches. */
import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { modelIdPattern } from './embedder.js';

type Db = Kysely<TenantSchema>;

/** Statuses in which a dog is still with the rescue (a lost dog may be one of them). */
export const inCareStatuses = ['intake', 'medical_hold', 'available', 'adoption_pending', 'returned'] as const;

/** pgvector's text form of a vector. */
export const vectorLiteral = (v: readonly number[]) => `[${v.join(',')}]`;

/** Whether this database has the embeddings table (it has none where pgvector is missing). */
export async function hasEmbeddingsTable(db: Db): Promise<boolean> {
  const row = await sql<{ t: string | null }>`select to_regclass('photo_embeddings')::text as t`.execute(db);
  return !!row.rows[0]?.t;
}

/**
 * Makes the embeddings table where pgvector arrived after the database was migrated (migration 0024
 * left it out then): enables the extension if the server has it and Kona may, then creates the
 * table as 0024 would have. Returns whether the table is there now. Safe to call on every run.
 */
export async function ensureEmbeddingsTable(db: Db): Promise<boolean> {
  if (await hasEmbeddingsTable(db)) return true;
  try {
    await sql`create extension if not exists vector`.execute(db);
  } catch {
    // Not installed on the server, or no right to enable it: matching stays unavailable, and says so.
    return false;
  }
  // The same table and indexes as migrations/tenant/0024_photo_embeddings.sql.
  await sql`create table if not exists photo_embeddings (
    photo_id uuid not null references dog_photos (id) on delete cascade,
    dog_id uuid not null references dogs (id) on delete cascade,
    model_id text not null check (model_id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    dimension integer not null check (dimension between 1 and 4096),
    embedding vector not null check (vector_dims(embedding) = dimension),
    created_at timestamptz not null default now(),
    primary key (photo_id, model_id)
  )`.execute(db);
  await sql`create index if not exists photo_embeddings_model on photo_embeddings (model_id, photo_id)`.execute(db);
  await sql`create index if not exists photo_embeddings_dog on photo_embeddings (dog_id)`.execute(db);
  return true;
}

function checkedModel(modelId: string, dimension: number): void {
  if (!modelIdPattern.test(modelId)) throw new KonaError('KONA_ERR_VALIDATION', 'A model id is lower-case letters, digits, ".", "_" and "-".');
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 2000) throw new KonaError('KONA_ERR_VALIDATION', `An HNSW index takes 1 to 2000 dimensions, not ${dimension}.`);
}

/** The HNSW index name of a model: its id with every character outside [a-z0-9] as "_", plus the dimension. */
export function modelIndexName(modelId: string, dimension: number): string {
  return `photo_embeddings_hnsw_${modelId.replace(/[^a-z0-9]/g, '_').slice(0, 30)}_${dimension}`;
}

/**
 * Creates, once, the model's HNSW cosine index: a partial expression index, because the column is
 * untyped and pgvector's HNSW needs one dimension. Searches repeat its expression and predicate.
 */
export async function ensureModelIndex(db: Db, modelId: string, dimension: number): Promise<void> {
  checkedModel(modelId, dimension);
  const name = modelIndexName(modelId, dimension);
  // Looked up first: CREATE INDEX takes a lock that blocks writers even when the index is there.
  const found = await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = ${name} and relkind = 'i'`.execute(db);
  if (found.rows[0]!.n > 0) return;
  await sql`create index if not exists ${sql.id(name)} on photo_embeddings using hnsw ((embedding::vector(${sql.lit(dimension)})) vector_cosine_ops) where model_id = ${sql.lit(modelId)}`.execute(db);
}

/** Stores (or replaces) a photo's vector for a model. */
export async function upsertEmbedding(db: Db, row: { photoId: string; dogId: string; modelId: string; vector: readonly number[] }): Promise<void> {
  await db.insertInto('photo_embeddings')
    .values({ photo_id: row.photoId, dog_id: row.dogId, model_id: row.modelId, dimension: row.vector.length, embedding: vectorLiteral(row.vector) })
    .onConflict((oc) => oc.columns(['photo_id', 'model_id']).doUpdateSet({ dog_id: row.dogId, dimension: row.vector.length, embedding: vectorLiteral(row.vector), created_at: sql`now()` }))
    .execute();
}

/** Removes every vector of a photo (all models). */
export async function deletePhotoEmbeddings(db: Db, photoId: string): Promise<number> {
  const r = await db.deleteFrom('photo_embeddings').where('photo_id', '=', photoId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Removes other models' vectors of the photos the current model has embedded; returns how many went.
 * A photo the new model could not embed (its server refused it) keeps its old vector, so switching
 * back finds it, and a model that refused everything leaves the old index whole.
 */
export async function deleteOtherModels(db: Db, keep: string): Promise<number> {
  const r = await db.deleteFrom('photo_embeddings').where('model_id', '<>', keep)
    .where('photo_id', 'in', (eb) => eb.selectFrom('photo_embeddings as current').select('current.photo_id').where('current.model_id', '=', keep))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Approved photos with no vector for the model yet, oldest first (the re-embed job's next batch). */
export async function photosLackingModel(db: Db, modelId: string, limit: number): Promise<{ id: string; dog_id: string }[]> {
  return db.selectFrom('dog_photos').select(['dog_photos.id', 'dog_photos.dog_id'])
    .where('dog_photos.status', '=', 'approved')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('photo_embeddings').select('photo_embeddings.photo_id')
      .whereRef('photo_embeddings.photo_id', '=', 'dog_photos.id').where('photo_embeddings.model_id', '=', modelId))))
    .orderBy('dog_photos.created_at').orderBy('dog_photos.id')
    .limit(limit)
    .execute();
}

/** One k-NN candidate as the database returns it. */
export interface NearestRow { photo_id: string; dog_id: string; similarity: number }

/**
 * The k nearest vectors of a model by cosine distance, among approved photos of dogs in care.
 * `exact`: a sequential scan (the baseline the bench compares with); otherwise the model's HNSW
 * index, with pgvector's iterative scan so the filter cannot leave fewer than k rows.
 */
export async function nearest(db: Db, modelId: string, vector: readonly number[], k: number, exact: boolean): Promise<NearestRow[]> {
  const rows = await inSearchSettings(db, k, exact, (tx) => nearestQuery(modelId, vector, k, '').execute(tx));
  return rows.rows.map((r) => ({ ...r, similarity: Number(r.similarity) }));
}

/** The plan the search would run with (EXPLAIN's lines), for the bench to say whether HNSW was chosen. */
export async function nearestPlan(db: Db, modelId: string, vector: readonly number[], k: number): Promise<string[]> {
  const rows = await inSearchSettings(db, k, false, (tx) => nearestQuery(modelId, vector, k, 'explain').execute(tx));
  return rows.rows.map((r) => String(Object.values(r)[0]));
}

async function inSearchSettings<T>(db: Db, k: number, exact: boolean, run: (tx: Db) => Promise<T>): Promise<T> {
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new KonaError('KONA_ERR_VALIDATION', 'Ask for 1 to 1000 candidates.');
  return db.transaction().execute(async (tx) => {
    await sql`set local hnsw.iterative_scan = strict_order`.execute(tx);
    // bench:matching at 50k vectors on PGlite, recall@10 of the exact scan: 40 (pgvector's default)
    // 0.948; 64 between 0.947 and 0.967 from one index build to the next; 100 0.987 at p95 7.7 ms.
    await sql`set local hnsw.ef_search = ${sql.lit(Math.max(100, k * 4))}`.execute(tx);
    if (exact) await sql`set local enable_indexscan = off`.execute(tx);
    return run(tx);
  });
}

function nearestQuery(modelId: string, vector: readonly number[], k: number, prefix: '' | 'explain') {
  checkedModel(modelId, vector.length);
  const dim = sql.lit(vector.length);
  const distance = sql`(e.embedding::vector(${dim}) <=> ${vectorLiteral(vector)}::vector(${dim}))`;
  return sql<NearestRow>`${sql.raw(prefix)}
    select e.photo_id, e.dog_id, 1 - ${distance} as similarity
    from photo_embeddings e
    join dog_photos p on p.id = e.photo_id and p.status = 'approved'
    join dogs d on d.id = e.dog_id and d.status in (${sql.join(inCareStatuses.map((s) => sql.lit(s)))})
    where e.model_id = ${sql.lit(modelId)}
    order by ${distance}
    limit ${sql.lit(k)}`;
}
