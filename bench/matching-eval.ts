/**
 * The matching evaluation: a folder of photos laid out `<dog-id>/<photo>.jpg|png` (or a generated
 * set), one photo per dog held out as the query and the rest enrolled, ranked by each dog's best
 * photo. Reports recall@1/5/10, MRR, the precision of each grade and the embedder's throughput.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gradeOf, type ImageEmbedder, type MatchGrade } from '../src/features/matching/matching.public.js';
import { cosine, photoEdits, syntheticPhoto } from '../src/features/matching/matching.testing.js';

/** One dog's photos as bytes (the first one is the held-out query when there are two or more). */
export interface EvalDog { id: string; photos: { name: string; bytes: Buffer }[] }

/** What one embedder scored on one set. */
export interface EvalResult {
  embedder: string; dogs: number; queries: number; gallery: number; skipped: { file: string; code: string }[];
  recallAt1: number; recallAt5: number; recallAt10: number; mrr: number;
  gradePrecision: Record<MatchGrade, { candidates: number; rightDog: number; precision: number | null }>;
  imagesPerSecond: number;
}

/** A ranked candidate of one query (top 10 dogs): its similarity and whether it is the query's dog. */
export interface ScoredCandidate { similarity: number; rightDog: boolean }

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

/** The generated set: `dogs` dogs of `photosPerDog` edited photos each, plus one-photo distractors. */
export async function generatedSet(dogs: number, photosPerDog: number, distractors: number): Promise<EvalDog[]> {
  const names = Object.keys(photoEdits);
  const r = xorshift(4242);
  const out: EvalDog[] = [];
  for (let d = 0; d < dogs + distractors; d++) {
    const source = await syntheticPhoto(1000 + d);
    const count = d < dogs ? photosPerDog : 1;
    const photos: EvalDog['photos'] = [];
    for (let p = 0; p < count; p++) {
      // Each photo is one or two edits of the source, never the source itself.
      let bytes = await photoEdits[names[Math.floor(r() * names.length)]!]!(source);
      if (r() < 0.5) bytes = await photoEdits[names[Math.floor(r() * names.length)]!]!(bytes);
      photos.push({ name: `p${p}`, bytes });
    }
    out.push({ id: d < dogs ? `dog-${d}` : `distractor-${d - dogs}`, photos });
  }
  return out;
}

/** Reads `<dir>/<dog-id>/<photo>.jpg|jpeg|png`, photos in name order. */
export function folderSet(dir: string): EvalDog[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)).map((e) => ({
    id: e.name,
    photos: readdirSync(path.join(dir, e.name)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => ({ name: `${e.name}/${f}`, bytes: readFileSync(path.join(dir, e.name, f)) })),
  })).filter((d) => d.photos.length > 0);
}

/** Embeds and scores a set with one embedder; unreadable photos are skipped and listed with their error code. */
export async function evaluate(set: EvalDog[], embedder: ImageEmbedder): Promise<{ result: EvalResult; vectors: number[][]; scored: ScoredCandidate[] }> {
  const skipped: EvalResult['skipped'] = [];
  const queries: { dog: string; v: number[] }[] = [];
  const gallery: { dog: string; v: number[] }[] = [];
  const started = performance.now();
  let embedded = 0;
  for (const dog of set) {
    const vs: number[][] = [];
    for (const photo of dog.photos) {
      try {
        vs.push(await embedder.embed(photo.bytes));
        embedded++;
      } catch (err) {
        skipped.push({ file: photo.name, code: (err as { code?: string }).code ?? (err as Error).name });
      }
    }
    if (vs.length >= 2) queries.push({ dog: dog.id, v: vs[0]! });
    for (const v of vs.length >= 2 ? vs.slice(1) : vs) gallery.push({ dog: dog.id, v });
  }
  const seconds = (performance.now() - started) / 1000;
  const grades: EvalResult['gradePrecision'] = { strong: { candidates: 0, rightDog: 0, precision: null }, possible: { candidates: 0, rightDog: 0, precision: null }, weak: { candidates: 0, rightDog: 0, precision: null } };
  const scored: ScoredCandidate[] = [];
  let hits1 = 0, hits5 = 0, hits10 = 0, rr = 0;
  for (const q of queries) {
    const best = new Map<string, number>();
    for (const g of gallery) best.set(g.dog, Math.max(best.get(g.dog) ?? -2, cosine(q.v, g.v)));
    const ranked = [...best.entries()].sort((a, b) => b[1] - a[1]);
    const rank = ranked.findIndex(([dog]) => dog === q.dog) + 1;
    if (rank === 1) hits1++;
    if (rank >= 1 && rank <= 5) hits5++;
    if (rank >= 1 && rank <= 10) hits10++;
    if (rank >= 1) rr += 1 / rank;
    for (const [dog, sim] of ranked.slice(0, 10)) {
      const g = grades[gradeOf(embedder.modelId, sim)];
      g.candidates++;
      if (dog === q.dog) g.rightDog++;
      scored.push({ similarity: sim, rightDog: dog === q.dog });
    }
  }
  for (const g of Object.values(grades)) g.precision = g.candidates ? round(g.rightDog / g.candidates) : null;
  const n = queries.length || 1;
  return {
    result: {
      embedder: embedder.modelId, dogs: set.length, queries: queries.length, gallery: gallery.length, skipped,
      recallAt1: round(hits1 / n), recallAt5: round(hits5 / n), recallAt10: round(hits10 / n), mrr: round(rr / n), gradePrecision: grades,
      imagesPerSecond: round(embedded / seconds),
    },
    vectors: [...queries, ...gallery].map((x) => x.v),
    scored,
  };
}

/** Rounds a figure to four places for the results file. */
export const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Writes the results file, creating its folder. */
export function writeResults(file: string, results: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
