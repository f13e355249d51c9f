/**
 * `npm run bench:ai`: vet document extraction on the rules path. Generates the corpus (5 layouts ×
 * BENCH_AI_PER_LAYOUT records × 3 qualities, seed BENCH_AI_SEED) unless BENCH_AI_DOCS_DIR names a
 * folder of `<name>.pdf|.jpg|.png` + `<name>.expected.json` (BENCH_AI_QUALITIES=digital,scan,photo
 * picks qualities of the generated corpus); prints precision, recall and F1 per
 * field and overall, per quality and per layout, OCR seconds per page and rules latency. Then each
 * feature's latency per path (simpler, simulator, the tiny real model; BENCH_AI_RUNS runs each,
 * default 20) and the injection corpus's pass count (bench/ai-features.ts). BENCH_AI_PARTS picks
 * `extraction`, `features` or both (the default). Writes bench/results/ai.json.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTesseractEngine, extractDocument, toExpectedShape, type ExpectedFields } from '../src/features/ai/extract/extract.public.js';
import { generateCorpus, type Quality } from './ai-docs/generate.js';
import { measureAiFeatures, type AiFeatureBench } from './ai-features.js';
import { add, prf, scoreDocument, scoredFields, type Counts, type ScoredField } from './ai-docs/score.js';

type Tally = Record<ScoredField | 'overall', Counts>;
const newTally = (): Tally => Object.fromEntries([...scoredFields, 'overall'].map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Tally;
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : 0);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** The group names of a document: its quality (from the name or the file type) and its layout (the name's first part). */
function groupsOf(file: string): { quality: string; layout: string } {
  const quality = /-(digital|scan|photo)\./.exec(file)?.[1] ?? (file.endsWith('.pdf') ? 'pdf' : 'image');
  return { quality, layout: file.split('-')[0]! };
}

const parts = new Set((process.env.BENCH_AI_PARTS ?? 'extraction,features').split(','));

async function main() {
  const extraction = parts.has('extraction') ? await measureExtraction() : undefined;
  let features: AiFeatureBench | undefined;
  if (parts.has('features')) {
    console.log(`AI features, service call and feature run per path (${Number(process.env.BENCH_AI_RUNS ?? 20)} runs each):`);
    features = await measureAiFeatures({ runs: Number(process.env.BENCH_AI_RUNS ?? 20), log: (s) => process.stdout.write(s) });
    if (features.skipped.tiny) console.log(`  tiny real model not measured: ${features.skipped.tiny}`);
  }
  const simplerP95 = Object.fromEntries(Object.entries(features?.paths.simpler ?? {}).map(([f, m]) => [f, m.serviceMs.p95]));
  const injectionSuccesses = Object.values(features?.injection ?? {}).reduce((n, i) => n + (i.cases - i.passed), 0);
  const result = {
    when: new Date().toISOString(),
    ...extraction,
    ...(features && { features: features.paths, injection: features.injection, skipped: features.skipped }),
    targets: { digitalF1: 0.95, photoF1: 0.85, ocrSecondsPerPage: 5, simplerP95Ms: 200, injectionSuccesses: 0 },
    ...(features && { met: { simplerP95: Object.values(simplerP95).every((v) => v <= 200), injection: injectionSuccesses === 0 } }),
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/ai.json', `${JSON.stringify(result, null, 2)}\n`);
  if (features) console.log(`  simpler-path p95 per feature (target ≤ 200 ms): ${Object.entries(simplerP95).map(([f, v]) => `${f} ${v} ms`).join(', ')}; injection successes ${injectionSuccesses} (target 0)`);
  console.log('wrote bench/results/ai.json');
}

async function measureExtraction() {
  const external = process.env.BENCH_AI_DOCS_DIR;
  const dir = external ?? 'bench/ai-docs/corpus';
  const only = process.env.BENCH_AI_QUALITIES?.split(',') as Quality[] | undefined;
  if (!external) {
    await rm(dir, { recursive: true, force: true });
    await generateCorpus(dir, { seed: Number(process.env.BENCH_AI_SEED ?? 16), perLayout: Number(process.env.BENCH_AI_PER_LAYOUT ?? 4), ...(only && { only }) });
  }
  const files = (await readdir(dir)).filter((f) => /\.(pdf|jpe?g|png)$/i.test(f)).sort();
  const byQuality = new Map<string, Tally>();
  const byLayout = new Map<string, Tally>();
  const total = newTally();
  const ocrMs: number[] = [];
  const rulesMs: number[] = [];
  const failures: { file: string; reason: string }[] = [];
  const misses: { file: string; field: string; got: unknown; want: unknown }[] = [];
  const ocr = createTesseractEngine();
  try {
    for (const file of files) {
      const want = JSON.parse(await readFile(join(dir, file.replace(/\.\w+$/, '.expected.json')), 'utf8')) as ExpectedFields;
      const result = await extractDocument(await readFile(join(dir, file)), { ocr });
      const got = result.ok ? toExpectedShape(result.fields) : {};
      if (!result.ok) failures.push({ file, reason: result.reason });
      else {
        ocrMs.push(...result.ocrMsPerPage);
        rulesMs.push(result.rulesMs);
      }
      const { quality, layout } = groupsOf(file);
      const scores = scoreDocument(got, want);
      for (const tally of [total, getOr(byQuality, quality), getOr(byLayout, layout)]) {
        for (const f of scoredFields) {
          add(tally[f], scores[f]);
          add(tally.overall, scores[f]);
        }
      }
      for (const f of scoredFields) if (scores[f].fp || scores[f].fn) misses.push({ file, field: f, got: got[f], want: want[f] });
    }
  } finally {
    await ocr.close();
  }
  const report = (t: Tally) => Object.fromEntries(Object.entries(t).map(([f, c]) => [f, prf(c)]));
  const result = {
    corpus: external ? { dir: external } : { generated: true, seed: Number(process.env.BENCH_AI_SEED ?? 16), perLayout: Number(process.env.BENCH_AI_PER_LAYOUT ?? 4) },
    documents: files.length,
    unreadable: failures,
    overall: report(total),
    perQuality: Object.fromEntries([...byQuality].map(([q, t]) => [q, report(t)])),
    perLayout: Object.fromEntries([...byLayout].map(([l, t]) => [l, report(t)])),
    ocrSecondsPerPage: { pages: ocrMs.length, p50: round(pct(ocrMs, 50) / 1000, 2), p95: round(pct(ocrMs, 95) / 1000, 2), mean: round(ocrMs.reduce((a, b) => a + b, 0) / Math.max(1, ocrMs.length) / 1000, 2) },
    rulesLatencyMs: { p50: round(pct(rulesMs, 50), 2), p95: round(pct(rulesMs, 95), 2) },
    misses,
  };
  console.log(`vet document extraction, rules path: ${files.length} documents from ${dir}`);
  for (const [name, t] of [['all', total] as const, ...byQuality, ...[...byLayout].map(([l, t]) => [`layout ${l}`, t] as const)]) {
    const o = prf(t.overall);
    const fields = scoredFields.map((f) => `${f} ${prf(t[f]).f1}`).join(', ');
    console.log(`  ${name.padEnd(20)} F1 ${o.f1} (P ${o.precision}, R ${o.recall})  ${fields}`);
  }
  console.log(`  OCR s/page p50 ${result.ocrSecondsPerPage.p50}, p95 ${result.ocrSecondsPerPage.p95} (${ocrMs.length} pages); rules p50 ${result.rulesLatencyMs.p50} ms, p95 ${result.rulesLatencyMs.p95} ms`);
  if (failures.length) console.log(`  unreadable: ${failures.map((f) => `${f.file} (${f.reason})`).join(', ')}`);
  return result;
}

function getOr(map: Map<string, Tally>, key: string): Tally {
  if (!map.has(key)) map.set(key, newTally());
  return map.get(key)!;
}

await main();
