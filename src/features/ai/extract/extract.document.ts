/**
 * Reads one vet document (PDF, JPEG, PNG, WebP or TIFF bytes) into fields, or a typed reason it
 * cannot be read. It never throws for bad input and never hangs: pages are capped, each OCR page
 * has a deadline, and an encrypted PDF is refused instead of waiting for a password.
 */
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { createTesseractEngine, type OcrEngine } from './extract.ocr.js';
import { openPdf, pageText, renderPage } from './extract.pdf.js';
import { extractFields } from './extract.rules.js';
import { unreadableReasons, type ExtractResult, type ExtractWarning, type TextSource, type UnreadableReason } from './extract.schema.js';

/** Limits and adapters of one extraction. */
export interface ExtractOptions {
  /** Pages read from a long PDF; the rest are skipped with a `pages-capped` warning. */
  maxPages?: number;
  /** Deadline of OCR on one page. */
  ocrTimeoutMs?: number;
  /** Smallest accepted image side in pixels. */
  minImageSide?: number;
  /** An OCR engine to reuse across documents (closed by its owner); otherwise one is made and closed. */
  ocr?: OcrEngine;
}

/** Defaults: 20 pages, 30 s of OCR per page, images at least 300 px a side. */
export const extractDefaults = { maxPages: 20, ocrTimeoutMs: 30_000, minImageSide: 300 } as const;

/** A page with less text than this in its text layer is treated as a scan. */
const minTextLayerChars = 20;

function failure(reason: UnreadableReason, warnings: ExtractWarning[] = []): ExtractResult {
  return { ok: false, reason, message: unreadableReasons[reason], warnings };
}

function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
}

/** Extracts vet record fields from a document; see `ExtractResult` for what comes back. */
export async function extractDocument(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractResult> {
  const opts = { ...extractDefaults, ...options };
  const ocr = options.ocr ?? createTesseractEngine();
  try {
    if (isPdf(bytes)) return await fromPdf(bytes, opts, ocr);
    return await fromImage(bytes, opts, ocr);
  } finally {
    if (!options.ocr) await ocr.close();
  }
}

type Opts = Required<Omit<ExtractOptions, 'ocr'>>;

async function fromImage(bytes: Uint8Array, opts: Opts, ocr: OcrEngine): Promise<ExtractResult> {
  const meta = await sharp(bytes).metadata().catch(() => undefined);
  if (!meta || !['jpeg', 'png', 'webp', 'tiff'].includes(meta.format ?? '')) return failure('not-a-document');
  if (Math.min(meta.width ?? 0, meta.height ?? 0) < opts.minImageSide) return failure('image-too-small');
  const started = performance.now();
  const read = await ocr.recognize(Buffer.from(bytes), opts.ocrTimeoutMs).catch(() => undefined);
  const ocrMs = performance.now() - started;
  if (!read) return failure('no-text');
  if ('timedOut' in read) return failure('timeout', [{ code: 'page-timeout', page: 1 }]);
  return withFields([read.text], 'ocr', 1, 1, [], [ocrMs]);
}

async function fromPdf(bytes: Uint8Array, opts: Opts, ocr: OcrEngine): Promise<ExtractResult> {
  const opened = await openPdf(bytes);
  if ('failure' in opened) return failure(opened.failure);
  const { doc } = opened;
  try {
    const total = doc.numPages;
    if (total === 0) return failure('no-pages');
    const pagesRead = Math.min(total, opts.maxPages);
    const warnings: ExtractWarning[] = total > pagesRead ? [{ code: 'pages-capped', pagesTotal: total, pagesRead }] : [];
    const texts: string[] = [];
    const ocrMs: number[] = [];
    let timeouts = 0;
    for (let n = 1; n <= pagesRead; n++) {
      try {
        const page = await doc.getPage(n);
        const text = await pageText(page);
        if (text.replace(/\s/g, '').length >= minTextLayerChars) {
          texts.push(text);
          continue;
        }
        const image = await renderPage(page, doc);
        const started = performance.now();
        const read = await ocr.recognize(image, opts.ocrTimeoutMs);
        ocrMs.push(performance.now() - started);
        if ('timedOut' in read) {
          timeouts++;
          warnings.push({ code: 'page-timeout', page: n });
          texts.push('');
        } else texts.push(read.text);
      } catch {
        warnings.push({ code: 'page-unreadable', page: n });
        texts.push('');
      }
    }
    if (timeouts === pagesRead) return failure('timeout', warnings);
    return withFields(texts, ocrMs.length ? 'ocr' : 'text-layer', total, pagesRead, warnings, ocrMs);
  } finally {
    await doc.destroy();
  }
}

function withFields(texts: string[], source: TextSource, pagesTotal: number, pagesRead: number, warnings: ExtractWarning[], ocrMsPerPage: number[]): ExtractResult {
  if (!texts.some((t) => /[A-Za-z0-9]{2}/.test(t))) return failure('no-text', warnings);
  const started = performance.now();
  const fields = extractFields(texts, { ocr: source === 'ocr' });
  const rulesMs = performance.now() - started;
  return { ok: true, source, pagesTotal, pagesRead, fields, pages: texts, warnings, ocrMsPerPage, rulesMs };
}
