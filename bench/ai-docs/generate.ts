/**
 * Writes the generated vet document corpus: for each record one document per quality
 * (`<layout>-<nn>-digital.pdf`, `-scan.pdf`, `-photo.jpg`), each with `<name>.expected.json`.
 * Deterministic from the seed. `npm run bench:ai:corpus` writes it to bench/ai-docs/corpus/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layouts, type LayoutName } from './layouts.js';
import { expectedFor, randomRecord, seededRandom } from './records.js';
import { bornDigitalPdf, phonePhoto, scannedPdf } from './render.js';

/** The three qualities of the corpus. */
export const qualities = ['digital', 'scan', 'photo'] as const;
export type Quality = (typeof qualities)[number];

/** Writes `perLayout` records of every layout in every quality to `dir`; returns the file names. */
export async function generateCorpus(dir: string, options: { seed?: number; perLayout?: number; only?: Quality[] } = {}): Promise<string[]> {
  const r = seededRandom(options.seed ?? 16);
  const names: string[] = [];
  await mkdir(dir, { recursive: true });
  for (const layout of Object.keys(layouts) as LayoutName[]) {
    for (let n = 1; n <= (options.perLayout ?? 4); n++) {
      const rec = randomRecord(r);
      const laid = layouts[layout](rec, r);
      const expected = JSON.stringify(expectedFor(rec, laid.clinic, laid.printedWeightKg), null, 2);
      const born = await bornDigitalPdf(laid.ops);
      const base = `${layout}-${String(n).padStart(2, '0')}`;
      const scan = await scannedPdf(born, r);
      const photo = await phonePhoto(born, r);
      const files: [Quality, string, Uint8Array][] = [['digital', `${base}-digital.pdf`, born], ['scan', `${base}-scan.pdf`, scan], ['photo', `${base}-photo.jpg`, photo]];
      for (const [quality, file, bytes] of files) {
        if (options.only && !options.only.includes(quality)) continue;
        await writeFile(join(dir, file), bytes);
        await writeFile(join(dir, file.replace(/\.(pdf|jpg)$/, '.expected.json')), expected);
        names.push(file);
      }
    }
  }
  return names;
}

if (process.argv[1]?.endsWith('generate.js')) {
  const dir = process.argv[2] ?? 'bench/ai-docs/corpus';
  const names = await generateCorpus(dir, { seed: Number(process.env.BENCH_AI_SEED ?? 16), perLayout: Number(process.env.BENCH_AI_PER_LAYOUT ?? 4) });
  console.log(`wrote ${names.length} documents to ${dir}`);
}
