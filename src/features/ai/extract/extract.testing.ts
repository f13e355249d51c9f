/**
 * Test documents built in memory: a born-digital PDF from lines of text, a PDF with an
 * /Encrypt dictionary whose password is unknown, and a page rendered to PNG (a "photo").
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { openPdf, renderPage } from './extract.pdf.js';

/** A PDF with one page per entry of `pages`, each line drawn in Helvetica 11 pt. */
export async function textPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((text, i) => page.drawText(text, { x: 56, y: 740 - i * 18, size: 11, font }));
  }
  return doc.save({ useObjectStreams: false });
}

/**
 * The same PDF marked as encrypted with a user password: the trailer gains a Standard security
 * handler dictionary whose /U check fails for the empty password, so readers must ask for one.
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const text = Buffer.from(await textPdf([['Rabies given 2025-03-14']])).toString('latin1');
  const hex = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) % 256).toString(16).padStart(2, '0')).join('');
  const encrypt = `/Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${hex(3)}> /U <${hex(11)}> >>\n/ID [<${hex(5).slice(0, 32)}> <${hex(5).slice(0, 32)}>]\n`;
  return Buffer.from(text.replace(/trailer\s*<<\s*/, (m) => `${m}${encrypt}`), 'latin1');
}

/** The top `fraction` of page 1 of a PDF rendered to PNG at about `width` pixels wide (less blank paper, faster OCR). */
export async function renderedPng(pdf: Uint8Array, width = 1300, fraction = 0.35): Promise<Buffer> {
  const opened = await openPdf(pdf);
  if ('failure' in opened) throw new Error(opened.failure);
  try {
    const png = await renderPage(await opened.doc.getPage(1), opened.doc, width);
    const { width: w = 0, height: h = 0 } = await sharp(png).metadata();
    return await sharp(png).extract({ left: 0, top: 0, width: w, height: Math.round(h * fraction) }).png().toBuffer();
  } finally {
    await opened.doc.destroy();
  }
}
