import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareDocument, sniffPdf, UnsupportedDocumentError } from './document-type.js';
import { samplePhoto } from './sample-images.testing.js';

describe('prepareDocument', () => {
  it('keeps a PDF byte for byte', async () => {
    const pdf = Buffer.from(await (await PDFDocument.create()).save());
    const out = await prepareDocument(pdf);
    expect(out).toMatchObject({ contentType: 'application/pdf', extension: 'pdf' });
    expect(out.data.equals(pdf)).toBe(true);
  });

  it('refuses HTML, SVG, scripts and text whatever they claim, with a 415', async () => {
    for (const text of ['<!doctype html><script>alert(1)</script>', '<svg xmlns="http://www.w3.org/2000/svg"/>', '#!/bin/sh\nrm -rf /', 'hello', ' %PDF-1.4', '%PDF-x']) {
      const err = await prepareDocument(Buffer.from(text)).catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(UnsupportedDocumentError);
      expect(err).toMatchObject({ status: 415, code: 'KONA_ERR_UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(sniffPdf(Buffer.from('%PDF-1.7\n'))).toBe(true);
  });

  it('re-encodes images upright without EXIF or GPS, keeping PNG and WebP as they are', async () => {
    const jpeg = await prepareDocument(await samplePhoto({ width: 40, height: 20, orientation: 6, gps: true }));
    expect(jpeg.contentType).toBe('image/jpeg');
    const meta = await sharp(jpeg.data).metadata();
    expect([meta.exif, meta.width, meta.height, meta.orientation ?? 1]).toEqual([undefined, 20, 40, 1]);
    expect((await prepareDocument(await samplePhoto({ width: 10, height: 10, format: 'png', gps: true }))).contentType).toBe('image/png');
    const webp = await prepareDocument(await samplePhoto({ width: 10, height: 10, format: 'webp', gps: true }));
    expect(webp.contentType).toBe('image/webp');
    expect((await sharp(webp.data).metadata()).exif).toBeUndefined();
  });

  it('refuses a GIF (not an accepted document image)', async () => {
    await expect(prepareDocument(await samplePhoto({ width: 10, height: 10, format: 'gif' }))).rejects.toBeInstanceOf(UnsupportedDocumentError);
  });
});
