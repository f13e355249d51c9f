/**
 * OCR adapter: tesseract.js 7 with the English model from @tesseract.js-data/eng (offline, no
 * download). Settings from ../shared/FACTS.md: page segmentation mode 6, and greyscale + upscale to
 * at least 1400 px + CLAHE with sharp, which halves the error rate on poor phone photos. A page
 * that runs past its deadline terminates the worker (the only way to stop tesseract) and the next
 * page gets a fresh one.
 */
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { createWorker, type Worker } from 'tesseract.js';

const langPath = (createRequire(import.meta.url)('@tesseract.js-data/eng') as { langPath: string }).langPath;

/** Reads the text of one page image; `close` ends its worker. */
export interface OcrEngine {
  recognize(image: Buffer, timeoutMs: number): Promise<{ text: string } | { timedOut: true }>;
  close(): Promise<void>;
}

/** Greyscale, upscaled to ≥1400 px on the long side (at most 2400), with local contrast (CLAHE). */
export async function prepareForOcr(image: Buffer): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const long = Math.max(meta.width ?? 0, meta.height ?? 0);
  const target = Math.min(2400, Math.max(1400, long));
  const resize = meta.width && meta.width >= (meta.height ?? 0) ? { width: target } : { height: target };
  return sharp(image).rotate().greyscale().resize({ ...resize, kernel: 'lanczos3' }).clahe({ width: 48, height: 48, maxSlope: 3 }).png().toBuffer();
}

/** A tesseract.js engine; the worker starts on first use and restarts after a timeout. */
export function createTesseractEngine(): OcrEngine {
  let worker: Promise<Worker> | undefined;
  const start = async () => {
    const w = await createWorker('eng', 1, { langPath, gzip: true, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined });
    await w.setParameters({ tessedit_pageseg_mode: '6' as never, preserve_interword_spaces: '1' });
    return w;
  };
  return {
    async recognize(image, timeoutMs) {
      worker ??= start();
      const w = await worker;
      const prepared = await prepareForOcr(image);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const result = await Promise.race([w.recognize(prepared).then((r) => r.data.text), timeout]);
      clearTimeout(timer);
      if (result !== 'timeout') return { text: result };
      worker = undefined;
      await w.terminate().catch(() => undefined);
      return { timedOut: true };
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await (await w).terminate();
    },
  };
}
