/**
 * PDF reading with pdfjs-dist 5 (legacy build: Node 20; pdfjs 6 needs Node 22). Text comes from the
 * text layer, grouped into lines by position; a page without text is rendered (pdfjs with its
 * optional @napi-rs/canvas, so no poppler binary is needed on the host) for OCR.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const standardFontDataUrl = `${pathToFileURL(join(pdfjsRoot, 'standard_fonts')).href}/`;

/** Why pdfjs would not open a document. */
export type PdfOpenFailure = 'encrypted' | 'corrupt';

/** Opens a PDF from bytes, or says why it cannot be opened (no password is ever tried). */
export async function openPdf(bytes: Uint8Array): Promise<{ doc: PDFDocumentProxy } | { failure: PdfOpenFailure }> {
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, standardFontDataUrl, verbosity: 0, stopAtErrors: false });
  // Without this, pdfjs waits for a password forever; a batch job must not hang.
  task.onPassword = () => void task.destroy();
  try {
    return { doc: await task.promise };
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    return { failure: name === 'PasswordException' || /password|destroyed/i.test(String(err)) ? 'encrypted' : 'corrupt' };
  }
}

/** The page's text layer as lines: items on one baseline joined left to right, top line first. */
export async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  const items = content.items.filter((i): i is TextItem => 'str' in i && i.str.trim() !== '');
  const rows: { y: number; h: number; parts: { x: number; s: string }[] }[] = [];
  for (const it of items) {
    const [x, y, h] = [it.transform[4]!, it.transform[5]!, Math.max(it.height, 4)];
    const row = rows.find((r) => Math.abs(r.y - y) < Math.min(r.h, h) * 0.5);
    if (row) row.parts.push({ x, s: it.str });
    else rows.push({ y, h, parts: [{ x, s: it.str }] });
  }
  return rows
    .sort((a, b) => b.y - a.y)
    .map((r) => r.parts.sort((a, b) => a.x - b.x).map((p) => p.s.trim()).join('  '))
    .join('\n');
}

/** Renders a page to PNG at about `targetWidth` pixels wide (for OCR of scans). */
export async function renderPage(page: PDFPageProxy, doc: PDFDocumentProxy, targetWidth = 1700): Promise<Buffer> {
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: Math.min(4, targetWidth / base.width) });
  const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: { toBuffer(t: string): Buffer }; context: unknown } } }).canvasFactory;
  const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  await page.render({ canvasContext: context as never, canvas: canvas as never, viewport }).promise;
  return canvas.toBuffer('image/png');
}
