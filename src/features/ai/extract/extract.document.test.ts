import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createTesseractEngine, extractDocument, toExpectedShape, unreadableReasons } from './extract.public.js';
import { encryptedPdf, renderedPng, textPdf } from './extract.testing.js';

const record = [
  'Cedar Creek Animal Hospital',
  'Patient: Bella   Sex: FS   Weight: 42.5 lbs',
  'Microchip: 985 112 003 456 789',
  'Vaccine              Date Given     Next Due',
  'Rabies 3 Year        03/14/2025     03/14/2028',
  'DA2PP                03/14/2025     03/14/2026',
  'NexGard (25-50 lb)   03/14/2025',
  'Attending veterinarian: Dr. Maria Lopez',
];
const expected = {
  vaccinations: [{ name: 'Rabies', given: '2025-03-14', due: '2028-03-14' }, { name: 'DHPP', given: '2025-03-14', due: '2026-03-14' }],
  treatments: [{ name: 'NexGard', given: '2025-03-14' }],
  microchip: '985112003456789',
  weightKg: 19.3,
  spayNeuter: true,
  clinic: 'Cedar Creek Animal Hospital',
  vet: 'Dr. Maria Lopez',
};

const ocr = createTesseractEngine();
afterAll(() => ocr.close());

describe('extractDocument', () => {
  it('reads a born-digital PDF from its text layer, each field with its passage', async () => {
    const result = await extractDocument(await textPdf([record]), { ocr });
    if (!result.ok) throw new Error(result.reason);
    expect(result.source).toBe('text-layer');
    expect(result.ocrMsPerPage).toEqual([]);
    expect(toExpectedShape(result.fields)).toEqual(expected);
    expect(result.fields.vaccinations[0]!.passage).toEqual({ page: 1, line: 5, text: expect.stringContaining('Rabies 3 Year') });
    expect(result.fields.microchip!.passage.text).toContain('985 112 003 456 789');
  });

  it('reads a photo of the same page through OCR', async () => {
    const png = await renderedPng(await textPdf([record]));
    const photo = await sharp(png).flatten({ background: '#fff' }).blur(0.6).jpeg({ quality: 80 }).toBuffer();
    const result = await extractDocument(photo, { ocr });
    if (!result.ok) throw new Error(result.reason);
    expect(result.source).toBe('ocr');
    expect(result.ocrMsPerPage).toHaveLength(1);
    expect(toExpectedShape(result.fields)).toMatchObject({ microchip: expected.microchip, weightKg: expected.weightKg, vaccinations: expected.vaccinations });
  });

  it('OCRs a scanned PDF page that has no text layer', async () => {
    const png = await renderedPng(await textPdf([record]));
    const doc = await PDFDocument.create();
    // The rendered top of the page goes back where it was: a scan with no text layer.
    doc.addPage([612, 792]).drawImage(await doc.embedPng(png), { x: 0, y: 792 * 0.65, width: 612, height: 792 * 0.35 });
    const result = await extractDocument(await doc.save(), { ocr });
    if (!result.ok) throw new Error(result.reason);
    expect(result.source).toBe('ocr');
    expect(result.fields.vaccinations.map((v) => v.name)).toEqual(['Rabies', 'DHPP']);
  });

  it('refuses an encrypted PDF without waiting for a password', async () => {
    expect(await extractDocument(await encryptedPdf(), { ocr })).toEqual({ ok: false, reason: 'encrypted', message: unreadableReasons.encrypted, warnings: [] });
  });

  it('says a PDF with no pages has none', async () => {
    // pdf-lib adds a blank page to an empty document unless told not to.
    const empty = await (await PDFDocument.create()).save({ addDefaultPage: false });
    expect(await extractDocument(empty, { ocr })).toMatchObject({ ok: false, reason: 'no-pages' });
  });

  it('reads only the first pages of a 300-page PDF and says so', async () => {
    const pages = Array.from({ length: 300 }, (_, i) => [`Page ${i + 1} of the history`, `Rabies given 2025-0${1 + (i % 9)}-14`]);
    const result = await extractDocument(await textPdf(pages), { ocr, maxPages: 5 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.warnings).toEqual([{ code: 'pages-capped', pagesTotal: 300, pagesRead: 5 }]);
    expect(result.pagesRead).toBe(5);
    expect(result.fields.vaccinations.map((v) => v.given)).toEqual(['2025-01-14', '2025-02-14', '2025-03-14', '2025-04-14', '2025-05-14']);
  });

  it('refuses an image too small to read', async () => {
    const tiny = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(await extractDocument(tiny, { ocr })).toMatchObject({ ok: false, reason: 'image-too-small', message: expect.stringContaining('300') });
  });

  it('refuses bytes that are not a document, and a damaged PDF', async () => {
    expect(await extractDocument(Buffer.from('name,weight\nBella,19\n'), { ocr })).toMatchObject({ ok: false, reason: 'not-a-document' });
    expect(await extractDocument(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog'), { ocr })).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('says a blank page has no text', async () => {
    const blank = await sharp({ create: { width: 800, height: 1000, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(await extractDocument(blank, { ocr })).toMatchObject({ ok: false, reason: 'no-text' });
  });

  it('stops OCR that runs past its deadline and says why, and the engine works again afterwards', async () => {
    const png = await renderedPng(await textPdf([record]));
    expect(await extractDocument(png, { ocr, ocrTimeoutMs: 1 })).toMatchObject({ ok: false, reason: 'timeout', warnings: [{ code: 'page-timeout', page: 1 }] });
    const again = await extractDocument(png, { ocr });
    expect(again.ok && again.fields.microchip?.value).toBe(expected.microchip);
  });
});
