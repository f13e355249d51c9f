import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from './image-errors.js';
import { pngClaiming, samplePhoto } from './sample-images.testing.js';
import { fitInside, makeVariants, type ImageVariant } from './variants.js';

const sizesOf = (variants: ImageVariant[]) => variants.map((v) => `${v.name}.${v.format} ${v.width}x${v.height}`);

/** The colour at a point, as 'red', 'blue' or the raw channel values. */
async function colourAt(image: Buffer, left: number, top: number): Promise<string> {
  const [r, g, b] = await sharp(image).extract({ left, top, width: 1, height: 1 }).raw().toBuffer();
  if (r! > 200 && g! < 60 && b! < 60) return 'red';
  if (b! > 200 && r! < 60 && g! < 60) return 'blue';
  return `${r},${g},${b}`;
}

describe('makeVariants', () => {
  it('makes thumbnail, medium and large as WebP and JPEG, carrying no EXIF or GPS', async () => {
    const original = await samplePhoto({ width: 1800, height: 1200, gps: true });
    const before = await sharp(original).metadata();
    // The fixture really carries GPS: the EXIF block holds the GPS IFD pointer (tag 0x8825, little-endian).
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    const variants = await makeVariants(original);
    expect(sizesOf(variants)).toEqual([
      'thumbnail.webp 320x213', 'thumbnail.jpeg 320x213',
      'medium.webp 800x533', 'medium.jpeg 800x533',
      'large.webp 1600x1067', 'large.jpeg 1600x1067',
    ]);
    for (const variant of variants) {
      const meta = await sharp(variant.data).metadata();
      expect(meta).toMatchObject({ format: variant.format, width: variant.width, height: variant.height });
      expect(variant.bytes).toBe(variant.data.length);
      expect(variant.contentType).toBe(`image/${variant.format}`);
      expect([meta.exif, meta.xmp, meta.iptc, meta.icc, meta.orientation]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(variant.data.includes('Exif')).toBe(false);
      expect(variant.data.includes('Kona test camera')).toBe(false);
    }
  });

  it('turns a photo with EXIF orientation 6 upright', async () => {
    // Stored 400×200, left half red; orientation 6 means "turn 90° clockwise to view": red on top.
    const original = await samplePhoto({ width: 400, height: 200, orientation: 6 });
    expect(await sharp(original).metadata()).toMatchObject({ width: 400, height: 200, orientation: 6 });
    const variants = await makeVariants(original);
    expect(sizesOf(variants)).toEqual([
      'thumbnail.webp 160x320', 'thumbnail.jpeg 160x320',
      'medium.webp 200x400', 'medium.jpeg 200x400',
      'large.webp 200x400', 'large.jpeg 200x400',
    ]);
    for (const variant of variants) {
      expect(await colourAt(variant.data, variant.width / 2, 10)).toBe('red');
      expect(await colourAt(variant.data, variant.width / 2, variant.height - 10)).toBe('blue');
      expect((await sharp(variant.data).metadata()).orientation).toBeUndefined();
    }
  });

  it('never enlarges a small photo', async () => {
    const variants = await makeVariants(await samplePhoto({ width: 120, height: 90, format: 'png' }));
    expect(variants.map((v) => `${v.width}x${v.height}`)).toEqual(Array(6).fill('120x90'));
  });

  it('keeps transparency in WebP and puts it on white in the JPEG fallback', async () => {
    const variants = await makeVariants(await samplePhoto({ width: 100, height: 100, format: 'png', alpha: true }));
    const webp = variants.find((v) => v.name === 'large' && v.format === 'webp')!;
    const jpeg = variants.find((v) => v.name === 'large' && v.format === 'jpeg')!;
    expect((await sharp(webp.data).metadata()).hasAlpha).toBe(true);
    const [r, g, b] = await sharp(jpeg.data).extract({ left: 90, top: 50, width: 1, height: 1 }).raw().toBuffer();
    // Half-transparent blue over white, not over black.
    expect(r).toBeGreaterThan(100);
    expect(g).toBeGreaterThan(100);
    expect(b).toBeGreaterThan(240);
  });

  it('accepts WebP originals and refuses what is not a photo', async () => {
    expect(await makeVariants(await samplePhoto({ width: 50, height: 40, format: 'webp' }))).toHaveLength(6);
    await expect(makeVariants(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).rejects.toBeInstanceOf(UnsupportedImageError);
  });

  it('refuses decompression bombs before decoding them', async () => {
    await expect(makeVariants(await pngClaiming(20_000, 20_000))).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(makeVariants(await samplePhoto({ width: 300, height: 200 }), { maxPixels: 50_000 })).rejects.toMatchObject({ maxPixels: 50_000, width: 300, height: 200 });
  });

  it('refuses a photo cut off part way', async () => {
    const whole = await samplePhoto({ width: 600, height: 400, noise: true });
    const err = await makeVariants(whole.subarray(0, Math.floor(whole.length / 2))).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'unreadable' });
  });

  it('fits sizes inside a square without enlarging', () => {
    expect(fitInside(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitInside(3000, 4000, 320)).toEqual({ width: 240, height: 320 });
    expect(fitInside(100, 50, 800)).toEqual({ width: 100, height: 50 });
    expect(fitInside(10_000, 1, 320)).toEqual({ width: 320, height: 1 });
  });
});
