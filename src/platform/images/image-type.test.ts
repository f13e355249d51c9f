import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from './image-errors.js';
import { detectImageType, sniffImageType } from './image-type.js';
import { pngClaiming, samplePhoto } from './sample-images.testing.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-image-type-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes bytes under a misleading name and reads them back, the way an upload arrives. */
function uploaded(name: string, bytes: string | Buffer): Buffer {
  writeFileSync(path.join(dir, name), bytes);
  return readFileSync(path.join(dir, name));
}

async function refusal(bytes: Buffer): Promise<UnsupportedImageError> {
  const err = await detectImageType(bytes).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnsupportedImageError);
  return err as UnsupportedImageError;
}

describe('detectImageType', () => {
  it('accepts JPEG, PNG, WebP and AVIF-coded HEIF by content', async () => {
    expect(await detectImageType(await samplePhoto({ width: 40, height: 30 }))).toEqual({ type: 'jpeg', contentType: 'image/jpeg', width: 40, height: 30 });
    expect(await detectImageType(await samplePhoto({ width: 40, height: 30, format: 'png' }))).toEqual({ type: 'png', contentType: 'image/png', width: 40, height: 30 });
    expect(await detectImageType(await samplePhoto({ width: 40, height: 30, format: 'webp' }))).toEqual({ type: 'webp', contentType: 'image/webp', width: 40, height: 30 });
    expect(await detectImageType(await samplePhoto({ width: 40, height: 30, format: 'avif' }))).toEqual({ type: 'heif', contentType: 'image/avif', width: 40, height: 30 });
  });

  it('reports the displayed size of a rotated photo', async () => {
    expect(await detectImageType(await samplePhoto({ width: 40, height: 30, orientation: 6 }))).toMatchObject({ width: 30, height: 40 });
  });

  it('refuses a text file named .jpg, saying which types are accepted', async () => {
    const err = await refusal(uploaded('dog.jpg', 'This is not a photo of a dog.\n'));
    expect(err).toMatchObject({ reason: 'not-an-image', code: 'KONA_ERR_UNSUPPORTED_MEDIA_TYPE', status: 415, accepted: ['JPEG', 'PNG', 'WebP', 'HEIC/HEIF'] });
    expect(err.message).toBe('This file is not a photo Kona can use, whatever its name says. Upload a JPEG, PNG, WebP or HEIC/HEIF image.');
  });

  it('refuses SVG, HTML, PDF, GIF and empty files', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    for (const [name, bytes] of [
      ['logo.png', svg],
      ['page.webp', '<!doctype html><html><body><script>alert(1)</script></body></html>'],
      ['scan.jpg', '%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n'],
      ['empty.jpg', ''],
    ] as const) {
      expect((await refusal(uploaded(name, bytes))).reason).toBe('not-an-image');
    }
    expect((await refusal(await samplePhoto({ width: 8, height: 8, format: 'gif' }))).reason).toBe('not-an-image');
  });

  it('refuses files that only start like an image', async () => {
    const jpeg = await samplePhoto({ width: 64, height: 48 });
    expect((await refusal(Buffer.concat([jpeg.subarray(0, 3), Buffer.from('garbage that is not a JPEG')]))).reason).toBe('unreadable');
    const fakeHeic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(64, 7)]);
    expect(sniffImageType(fakeHeic)).toBe('heif');
    expect((await refusal(fakeHeic)).reason).toBe('unreadable');
    expect(sniffImageType(Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from('ftypisom\0\0\0\0mp41')]))).toBeUndefined();
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = await pngClaiming(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    const err = await detectImageType(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageTooLargeError);
    expect(err).toMatchObject({ width: 30_000, height: 30_000, maxPixels: 50_000_000, status: 413 });
    expect((err as Error).message).toBe('This image is 30000 × 30000 pixels (900 megapixels); Kona accepts at most 50 megapixels. Resize it and upload it again.');
    await expect(detectImageType(await samplePhoto({ width: 200, height: 100 }), { maxPixels: 10_000 })).rejects.toBeInstanceOf(ImageTooLargeError);
  });
});
