/**
 * Search latency of the HNSW index against an exact scan, and HNSW's recall@10 against the exact
 * scan's answer, at several table sizes, on PGlite and (given a URL) a PostgreSQL server. The
 * stored vectors are real descriptors plus clustered noise around them (embedding 50k images would
 * take the bench longer than the search it measures).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { searchSimilar, searchSimilarExact } from '../src/features/matching/matching.public.js';
import { ensureModelIndex, nearestPlan, vectorLiteral } from '../src/features/matching/matching.queries.js';
import { openEmbedded, openPostgres, type Database } from '../src/platform/db/driver.js';
import { migrateSet } from '../src/platform/db/migrate.js';
import type { TenantSchema } from '../src/platform/db/schema.js';
import { round } from './matching-eval.js';

/** Figures at one table size. */
export interface SearchFigures {
  vectors: number; queries: number; k: number; indexBuildMs: number; planUsesHnsw: boolean;
  hnswMs: { p50: number; p95: number }; exactMs: { p50: number; p95: number }; hnswRecallAt10: number;
  /** The recall computation checked on the exact scan against itself (a second run of the same queries): 1 unless the scan is unstable or the computation wrong. */
  exactSelfRecallAt10: number;
}

const model = 'bench-search-v1';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

/** A unit vector near `base`: Gaussian noise of the given spread added, then renormalised. */
function near(base: readonly number[], spread: number, r: () => number): number[] {
  const v = base.map((x) => x + gaussian(r) * spread);
  const n = Math.hypot(...v);
  return v.map((x) => Math.round((x / n) * 1e6) / 1e6);
}

const pct = (xs: number[], p: number) => round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!);

async function fill(db: Kysely<TenantSchema>, from: number, to: number, seeds: number[][], r: () => number): Promise<void> {
  const perDog = 10;
  for (let start = from; start < to; start += 500) {
    const end = Math.min(to, start + 500);
    const dogs: { id: string }[] = [];
    for (let i = start; i < end; i += perDog) dogs.push({ id: randomUUID() });
    await db.insertInto('dogs').values(dogs.map((d) => ({ id: d.id, name: 'Bench', size: 'medium', intake_date: '2026-01-01', intake_type: 'stray', status: 'available' }))).execute();
    const photos = [];
    for (let i = start; i < end; i++) photos.push({ id: randomUUID(), dog_id: dogs[Math.floor((i - start) / perDog)]!.id, sha256: randomBytes(32).toString('hex'), variants: '{}', width: 1, height: 1, status: 'approved' as const });
    await db.insertInto('dog_photos').values(photos).execute();
    await db.insertInto('photo_embeddings').values(photos.map((p, j) => ({
      photo_id: p.id, dog_id: p.dog_id, model_id: model, dimension: seeds[0]!.length,
      embedding: vectorLiteral(near(seeds[(start + j) % seeds.length]!, 0.04, r)),
    }))).execute();
  }
}

/** Share of the exact answer's photos that `found` also holds. */
export function recallAgainst(found: readonly { photoId: string }[], exact: readonly { photoId: string }[]): number {
  const truth = new Set(exact.map((c) => c.photoId));
  return found.filter((c) => truth.has(c.photoId)).length / Math.max(1, truth.size);
}

/** Measures one engine at each size (the table grows from one size to the next). */
export async function benchSearch(db: Database<TenantSchema>, seeds: number[][], sizes: number[], queries: number, log: (l: string) => void): Promise<SearchFigures[]> {
  await migrateSet(db, 'tenant');
  const k = db.kysely;
  const r = seeded(99);
  const out: SearchFigures[] = [];
  let have = 0;
  for (const size of sizes) {
    await sql`drop index if exists ${sql.id(`photo_embeddings_hnsw_bench_search_v1_${seeds[0]!.length}`)}`.execute(k);
    await fill(k, have, size, seeds, r);
    have = size;
    // Built after the rows are in (how a re-embed leaves it), timed.
    const built = performance.now();
    await ensureModelIndex(k, model, seeds[0]!.length);
    const indexBuildMs = round(performance.now() - built);
    // Fresh statistics, as autovacuum would leave them: the planner picks between index and scan on them.
    await sql`analyze`.execute(k);
    const qs = Array.from({ length: queries }, () => near(seeds[Math.floor(r() * seeds.length)]!, 0.06, r));
    const plan = await nearestPlan(k, model, qs[0]!, 10);
    const hnswMs: number[] = [], exactMs: number[] = [];
    let overlap = 0;
    let self = 0;
    const selfChecked = Math.min(5, qs.length);
    for (const q of qs.slice(0, selfChecked)) {
      const b = await searchSimilarExact(k, model, q, 10);
      self += recallAgainst(await searchSimilarExact(k, model, q, 10), b);
    }
    for (const q of qs) {
      let t = performance.now();
      const a = await searchSimilar(k, model, q, 10);
      hnswMs.push(performance.now() - t);
      t = performance.now();
      const b = await searchSimilarExact(k, model, q, 10);
      exactMs.push(performance.now() - t);
      overlap += recallAgainst(a, b);
    }
    const figures: SearchFigures = {
      vectors: size, queries, k: 10, indexBuildMs, planUsesHnsw: plan.some((line) => /photo_embeddings_hnsw/.test(line)),
      hnswMs: { p50: pct(hnswMs, 50), p95: pct(hnswMs, 95) }, exactMs: { p50: pct(exactMs, 50), p95: pct(exactMs, 95) }, hnswRecallAt10: round(overlap / queries), exactSelfRecallAt10: round(self / selfChecked),
    };
    log(`  ${size} vectors: HNSW p50 ${figures.hnswMs.p50} ms p95 ${figures.hnswMs.p95} ms | exact p50 ${figures.exactMs.p50} ms p95 ${figures.exactMs.p95} ms | HNSW recall@10 vs exact ${figures.hnswRecallAt10} | index build ${indexBuildMs} ms${figures.planUsesHnsw ? '' : ' (plan did NOT use HNSW)'}`);
    out.push(figures);
  }
  return out;
}

/** An in-memory PGlite database for the bench. */
export const benchPglite = () => openEmbedded<TenantSchema>(null);

/** A fresh database on the server at `url` (dropped by the returned close). */
export async function benchServer(url: string): Promise<Database<TenantSchema>> {
  const name = `kona_bench_matching_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = openPostgres<TenantSchema>(u.toString());
  return {
    ...db,
    close: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

