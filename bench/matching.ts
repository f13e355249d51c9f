/**
 * `npm run bench:matching`: photo matching's figures, written to bench/results/matching.json.
 *  1. Quality per embedder on a generated edit set (and on BENCH_MATCHING_DIR, a folder laid out
 *     `<dog-id>/<photo>.jpg|png`, when given): recall@1/5/10, MRR, precision of each grade.
 *  2. Search latency, HNSW against the exact scan in the same run, and HNSW's recall@10 against it,
 *     at 1k and 10k vectors (50k with BENCH_MATCHING_50K=1) on PGlite, and on a PostgreSQL server:
 *     BENCH_MATCHING_PG_URL (a fresh database is made on it and dropped), or BENCH_MATCHING_PG=1 to start one.
 * Settings (environment): BENCH_MATCHING_DOGS (40), BENCH_MATCHING_PHOTOS (5 per dog),
 * BENCH_MATCHING_DISTRACTORS (40), BENCH_MATCHING_SIZES ("1000,10000"), BENCH_MATCHING_QUERIES (100),
 * BENCH_MATCHING_OUT (the results file).
 */
import { availableParallelism, loadavg } from 'node:os';
import { descriptorEmbedder } from '../src/features/matching/matching.public.js';
import type { Database } from '../src/platform/db/driver.js';
import type { TenantSchema } from '../src/platform/db/schema.js';
import { evaluate, folderSet, generatedSet, writeResults, type EvalDog, type EvalResult } from './matching-eval.js';
import { startPostgres } from '../test/harness/postgres.js';
import { benchPglite, benchSearch, benchServer, type SearchFigures } from './matching-search.js';

const env = process.env;
const int = (name: string, fallback: number) => (env[name] ? Number.parseInt(env[name]!, 10) : fallback);

async function main(): Promise<void> {
  const log = (l: string) => console.log(l);
  const settings = {
    dogs: int('BENCH_MATCHING_DOGS', 40), photosPerDog: int('BENCH_MATCHING_PHOTOS', 5), distractors: int('BENCH_MATCHING_DISTRACTORS', 40),
    sizes: (env.BENCH_MATCHING_SIZES ?? '1000,10000').split(',').map(Number).concat(env.BENCH_MATCHING_50K === '1' ? [50_000] : []),
    queries: int('BENCH_MATCHING_QUERIES', 100), dir: env.BENCH_MATCHING_DIR ?? null, server: !!env.BENCH_MATCHING_PG_URL || env.BENCH_MATCHING_PG === '1',
  };
  log(`bench:matching on ${availableParallelism()} CPUs, load ${loadavg()[0]!.toFixed(2)} at the start; ${JSON.stringify(settings)}`);
  // Per embedder: the descriptor now; the model embedder joins this list when it is wired.
  const embedders = [descriptorEmbedder];
  const quality: { set: string; results: EvalResult[] }[] = [];
  const generated = await generatedSet(settings.dogs, settings.photosPerDog, settings.distractors);
  let seeds: number[][] = [];
  const sets: [string, EvalDog[]][] = [['generated', generated], ...(settings.dir ? [[settings.dir, folderSet(settings.dir)] as [string, EvalDog[]]] : [])];
  for (const [setName, set] of sets) {
    const results: EvalResult[] = [];
    for (const embedder of embedders) {
      const { result, vectors } = await evaluate(set, embedder);
      if (setName === 'generated' && embedder === descriptorEmbedder) seeds = vectors;
      log(`${setName} / ${embedder.modelId}: ${result.queries} queries, ${result.gallery} enrolled, recall@1 ${result.recallAt1} @5 ${result.recallAt5} @10 ${result.recallAt10}, MRR ${result.mrr}, precision strong ${result.gradePrecision.strong.precision} possible ${result.gradePrecision.possible.precision} weak ${result.gradePrecision.weak.precision}, ${result.imagesPerSecond} images/s${result.skipped.length ? `, ${result.skipped.length} unreadable skipped` : ''}`);
      results.push(result);
    }
    quality.push({ set: setName, results });
  }
  const search: Record<string, SearchFigures[]> = {};
  // BENCH_MATCHING_PG=1 starts a server from the system binaries (it needs pgvector: .ci/run builds it).
  const started = !env.BENCH_MATCHING_PG_URL && env.BENCH_MATCHING_PG === '1' ? await startPostgres() : undefined;
  const serverUrl = env.BENCH_MATCHING_PG_URL ?? started?.url;
  const engines: [string, () => Promise<Database<TenantSchema>>][] = [['pglite', benchPglite], ...(serverUrl ? [['postgres', () => benchServer(serverUrl)] as [string, () => Promise<Database<TenantSchema>>]] : [])];
  for (const [engine, open] of engines) {
    log(`search on ${engine} (${descriptorEmbedder.dimension} dimensions):`);
    const db = await open();
    try {
      search[engine] = await benchSearch(db, seeds, settings.sizes, settings.queries, log);
    } finally {
      await db.close();
    }
  }
  await started?.stop();
  const out = env.BENCH_MATCHING_OUT ?? 'bench/results/matching.json';
  writeResults(out, { measuredAt: new Date().toISOString(), cpus: availableParallelism(), loadAtStart: loadavg()[0], settings, quality, search });
  log(`written to ${out}`);
}

await main();
