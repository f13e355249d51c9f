import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { samplePhoto } from '../src/platform/images/sample-images.testing.js';
import { makeVariants, variantSizes } from '../src/platform/images/variants.js';

/** Figures of one run of the image benchmark; times are medians in milliseconds. */
export interface ImageBenchResult {
  width: number;
  height: number;
  originalBytes: number;
  runs: number;
  variantsMs: number;
  plainResizeMs: number;
  ratio: number;
  variantBytes: Record<string, number>;
}

/**
 * Times turning one generated 12-megapixel JPEG into every variant, beside one plain sharp resize
 * of the same file to the largest variant (the floor), and prints both with their ratio.
 */
export async function benchImageVariants(options: { runs?: number; log?: (line: string) => void } = {}): Promise<ImageBenchResult> {
  const runs = options.runs ?? 9;
  const log = options.log ?? console.log;
  const [width, height] = [4000, 3000];
  const original = await samplePhoto({ width, height, noise: true });
  const size = variantSizes.large;
  const allVariants = () => makeVariants(original);
  const plainResize = () => sharp(original).resize(size, size, { fit: 'inside' }).jpeg().toBuffer();

  const variants = await allVariants();
  await plainResize();
  // Alternating the two spreads any drift of the machine (other load, clock) over both equally.
  const times = { variants: [] as number[], plain: [] as number[] };
  for (let i = 0; i < runs; i++) {
    times.variants.push(await elapsedMs(allVariants));
    times.plain.push(await elapsedMs(plainResize));
  }
  const result: ImageBenchResult = {
    width,
    height,
    originalBytes: original.length,
    runs,
    variantsMs: median(times.variants),
    plainResizeMs: median(times.plain),
    ratio: median(times.variants) / median(times.plain),
    variantBytes: Object.fromEntries(variants.map((v) => [`${v.name}.${v.format}`, v.bytes])),
  };
  log(`images: ${width}x${height} JPEG (${(original.length / 1e6).toFixed(1)} MB), median of ${runs} runs, ${availableParallelism()} CPUs, libvips threads ${sharp.concurrency()}`);
  log(`  all variants (${Object.keys(variantSizes).length} sizes x WebP + JPEG): ${result.variantsMs.toFixed(0)} ms`);
  log(`  plain resize to ${size} px (the floor):     ${result.plainResizeMs.toFixed(0)} ms`);
  log(`  ratio: ${result.ratio.toFixed(2)}x`);
  return result;
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
