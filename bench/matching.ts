/**
 * `npm run bench:matching`: photo matching's figures, written to bench/results/matching.json.
 *  1. Per embedder (the descriptor; the generated tiny CLIP served by `kona embedder` behind a real
 *     dispatcher; the simulator's image embeddings, a protocol check; BENCH_MATCHING_CLIP_DIR, an
 *     operator's CLIP folder, when given), on a generated edit set and on BENCH_MATCHING_DIR (a
 *     folder laid out `<dog-id>/<photo>.jpg|png`) when given: recall@1/5/10, MRR, precision of each
 *     grade, the grade thresholds calibrated on the set beside those in use, and embedding throughput.
 *  2. Search latency, HNSW against the exact scan in the same run, and HNSW's recall@10 against it,
 *     at 1k and 10k vectors (50k with BENCH_MATCHING_50K=1) on PGlite, and on a PostgreSQL server:
 *     BENCH_MATCHING_PG_URL (a fresh database is made on it and dropped), or BENCH_MATCHING_PG=1 to start one.
 *  3. End-to-end lost-and-found latency across three rescues over HTTP (matching-e2e.ts).
 *  4. The issue's targets as PASS / FAIL / NOT MEASURED lines beside the figures.
 * Settings (environment): BENCH_MATCHING_QUICK=1 (tiny sizes, well under a minute), BENCH_MATCHING_DOGS (40),
 * BENCH_MATCHING_PHOTOS (5 per dog), BENCH_MATCHING_DISTRACTORS (40), BENCH_MATCHING_SIZES ("1000,10000"),
 * BENCH_MATCHING_QUERIES (100), BENCH_MATCHING_BATCH (8 images per model call in the throughput figure),
 * BENCH_MATCHING_E2E_DOGS (30 per rescue), BENCH_MATCHING_E2E_PHOTOS (3 per dog), BENCH_MATCHING_E2E_REQUESTS (30),
 * BENCH_MATCHING_CLIP_DIR, BENCH_MATCHING_OUT (the results file).
 */
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { descriptorEmbedder } from '../src/features/matching/matching.public.js';
import type { Database } from '../src/platform/db/driver.js';
import type { TenantSchema } from '../src/platform/db/schema.js';
import { startPostgres } from '../test/harness/postgres.js';
import { calibrate, calibrationLine, type Calibration } from './matching-calibrate.js';
import { measureLostFound, type EndToEndFigures } from './matching-e2e.js';
import { clipBench, descriptorBench, simulatorBench, tinyClipBench, type BenchEmbedder } from './matching-embedders.js';
import { evaluate, folderSet, generatedSet, round, writeResults, type EvalDog, type EvalResult } from './matching-eval.js';
import { benchPglite, benchSearch, benchServer, type SearchFigures } from './matching-search.js';
import { targetLines, type TargetLine } from './matching-targets.js';

/** What one run measures. */
export interface MatchingSettings {
  quick: boolean; dogs: number; photosPerDog: number; distractors: number; sizes: number[]; queries: number; batchSize: number;
  e2e: { dogsPerRescue: number; photos: number; requests: number };
  dir: string | null; clipDir: string | null; server: boolean;
}

/** An embedder's figures on one set. */
export type QualityRow = EvalResult & { name: string; note: string; calibration: Calibration };

/** Everything the run writes. */
export interface MatchingResults {
  settings: MatchingSettings;
  throughput: { name: string; embedder: string; batchSize: number; images: number; imagesPerSecond: number; note: string }[];
  quality: { set: string; results: QualityRow[] }[];
  search: Record<string, SearchFigures[]>;
  lostFound: EndToEndFigures;
  targets: TargetLine[];
  skipped: string[];
}

/** The settings from the environment (BENCH_MATCHING_QUICK=1 shrinks every default). */
export function settingsFrom(env: NodeJS.ProcessEnv): MatchingSettings {
  const quick = env.BENCH_MATCHING_QUICK === '1';
  const int = (name: string, full: number, small: number) => (env[name] ? Number.parseInt(env[name]!, 10) : quick ? small : full);
  return {
    quick, dogs: int('BENCH_MATCHING_DOGS', 40, 6), photosPerDog: int('BENCH_MATCHING_PHOTOS', 5, 3), distractors: int('BENCH_MATCHING_DISTRACTORS', 40, 4),
    sizes: (env.BENCH_MATCHING_SIZES ?? (quick ? '300' : '1000,10000')).split(',').map(Number).concat(env.BENCH_MATCHING_50K === '1' ? [50_000] : []),
    queries: int('BENCH_MATCHING_QUERIES', 100, 10), batchSize: int('BENCH_MATCHING_BATCH', 8, 4),
    e2e: { dogsPerRescue: int('BENCH_MATCHING_E2E_DOGS', 30, 2), photos: int('BENCH_MATCHING_E2E_PHOTOS', 3, 2), requests: int('BENCH_MATCHING_E2E_REQUESTS', 30, 4) },
    dir: env.BENCH_MATCHING_DIR ?? null, clipDir: env.BENCH_MATCHING_CLIP_DIR ?? null, server: !!env.BENCH_MATCHING_PG_URL || env.BENCH_MATCHING_PG === '1',
  };
}

/** Images per second of `b.embedBatch` over the set's photos, in batches of its batch size. */
async function throughput(b: BenchEmbedder, set: EvalDog[]): Promise<{ images: number; imagesPerSecond: number }> {
  const photos = set.flatMap((d) => d.photos.map((p) => p.bytes));
  await b.embedBatch(photos.slice(0, b.batchSize)); // warm: the first run of a graph allocates
  const started = performance.now();
  for (let i = 0; i < photos.length; i += b.batchSize) await b.embedBatch(photos.slice(i, i + b.batchSize));
  return { images: photos.length, imagesPerSecond: round(photos.length / ((performance.now() - started) / 1000)) };
}

/** Evaluates every embedder on every set; returns the quality rows, throughput and the descriptor's vectors (the search bench's seeds). */
async function measureEmbedders(s: MatchingSettings, sets: [string, EvalDog[]][], log: (l: string) => void, skipped: string[]) {
  const quality: MatchingResults['quality'] = sets.map(([set]) => ({ set, results: [] }));
  const rates: MatchingResults['throughput'] = [];
  let seeds: number[][] = [];
  const makers: [string, () => Promise<BenchEmbedder>][] = [
    ['descriptor', async () => descriptorBench()], ['tiny-clip', () => tinyClipBench(s.batchSize)], ['simulator', () => simulatorBench(s.batchSize)],
  ];
  if (s.clipDir) makers.push(['operator-clip', () => clipBench('operator-clip', s.clipDir!, 'operator-clip', `the operator's CLIP folder ${s.clipDir}`, s.batchSize)]);
  else skipped.push('operator CLIP folder: BENCH_MATCHING_CLIP_DIR is unset, so no third model embedder was evaluated');
  for (const [, make] of makers) {
    const b = await make();
    try {
      log(`embedder ${b.name} (${b.embedder.modelId}): ${b.note}`);
      for (const [i, [setName, set]] of sets.entries()) {
        const { result, vectors, scored } = await evaluate(set, b.embedder);
        if (i === 0 && b.name === 'descriptor') seeds = vectors;
        const calibration = calibrate(b.embedder.modelId, scored);
        const label = b.name === 'descriptor' && setName === 'generated' ? 'descriptor edit-set ' : '';
        log(`  ${setName}: ${result.queries} queries, ${result.gallery} enrolled, ${label}recall@1 ${result.recallAt1} @5 ${result.recallAt5} @10 ${result.recallAt10}, MRR ${result.mrr}, precision strong ${result.gradePrecision.strong.precision} possible ${result.gradePrecision.possible.precision} weak ${result.gradePrecision.weak.precision}${result.skipped.length ? `, ${result.skipped.length} unreadable skipped` : ''}`);
        log(`  ${setName}: thresholds ${calibrationLine(calibration)}`);
        quality[i]!.results.push({ ...result, name: b.name, note: b.note, calibration });
      }
      const rate = await throughput(b, sets[0]![1]);
      rates.push({ name: b.name, embedder: b.embedder.modelId, batchSize: b.batchSize, ...rate, note: 'single process, sequential calls' });
      log(`  throughput: ${rate.imagesPerSecond} images/s over ${rate.images} images, batch size ${b.batchSize}, single process`);
    } finally {
      await b.close();
    }
  }
  return { quality, rates, seeds };
}

/** Runs every part of the bench with `s` and returns its figures (the caller writes them). */
export async function runMatchingBench(s: MatchingSettings, log: (l: string) => void = () => {}): Promise<MatchingResults> {
  const skipped: string[] = [];
  const generated = await generatedSet(s.dogs, s.photosPerDog, s.distractors);
  const sets: [string, EvalDog[]][] = [['generated', generated], ...(s.dir ? [[s.dir, folderSet(s.dir)] as [string, EvalDog[]]] : [])];
  const { quality, rates, seeds } = await measureEmbedders(s, sets, log, skipped);
  const search: Record<string, SearchFigures[]> = {};
  // BENCH_MATCHING_PG=1 starts a server from the system binaries (it needs pgvector: .ci/run builds it).
  const started = !process.env.BENCH_MATCHING_PG_URL && s.server ? await startPostgres() : undefined;
  try {
    const serverUrl = process.env.BENCH_MATCHING_PG_URL ?? started?.url;
    const engines: [string, () => Promise<Database<TenantSchema>>][] = [['pglite', benchPglite], ...(serverUrl ? [['postgres', () => benchServer(serverUrl)] as [string, () => Promise<Database<TenantSchema>>]] : [])];
    for (const [engine, open] of engines) {
      log(`search on ${engine} (${descriptorEmbedder.dimension} dimensions):`);
      const db = await open();
      try {
        search[engine] = await benchSearch(db, seeds, s.sizes, s.queries, log);
      } finally {
        await db.close();
      }
    }
  } finally {
    await started?.stop();
  }
  log(`end-to-end lost and found (${descriptorEmbedder.modelId}, PGlite, sequential requests over HTTP):`);
  const e2eSet = await generatedSet(s.e2e.dogsPerRescue * 3, s.e2e.photos + 1, 0);
  const lostFound = await measureLostFound(e2eSet, { ...s.e2e, log });
  const f = (l: { p50: number; p95: number }) => `p50 ${l.p50} ms p95 ${l.p95} ms`;
  log(`  POST /lost-and-found (3 rescues): ${f(lostFound.rootSearchMs)} | one rescue's page: ${f(lostFound.rescueSearchMs)} | right dog first ${lostFound.rightDogFirst}`);
  log(`  in process (describe + search 3 rescues): HNSW ${f(lostFound.inProcessHnswMs)} | exact scan ${f(lostFound.inProcessExactMs)}`);
  const descriptorRow = quality[0]!.results.find((r) => r.name === 'descriptor')!;
  const targets = targetLines(descriptorRow.recallAt1, search, s);
  for (const t of targets) log(t.line);
  for (const line of skipped) log(`skipped: ${line}`);
  return { settings: s, throughput: rates, quality, search, lostFound, targets, skipped };
}

async function main(): Promise<void> {
  const log = (l: string) => console.log(l);
  const settings = settingsFrom(process.env);
  log(`bench:matching on ${availableParallelism()} CPUs, load ${loadavg()[0]!.toFixed(2)} at the start; ${JSON.stringify(settings)}`);
  const started = performance.now();
  const results = await runMatchingBench(settings, log);
  const out = process.env.BENCH_MATCHING_OUT ?? 'bench/results/matching.json';
  writeResults(out, { measuredAt: new Date().toISOString(), cpus: availableParallelism(), loadAtStart: loadavg()[0], seconds: round((performance.now() - started) / 1000), ...results });
  log(`written to ${out} after ${Math.round((performance.now() - started) / 1000)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
