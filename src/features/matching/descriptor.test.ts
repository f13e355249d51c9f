import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from '../../platform/images/index.js';
import { pngClaiming } from '../../platform/images/sample-images.testing.js';
import { describeImage, descriptorDimension } from './descriptor.js';
import { descriptorEmbedder, embedderFor } from './embedder.js';
import { cosine, photoEdits, syntheticPhoto } from './matching.testing.js';

describe('the deterministic image descriptor', () => {
  let originals: Buffer[];
  let vectors: number[][];

  beforeAll(async () => {
    originals = await Promise.all([11, 12, 13, 14, 15].map((s) => syntheticPhoto(s)));
    vectors = await Promise.all(originals.map(describeImage));
  });

  it('is a unit vector of the declared dimension, the same on every run', async () => {
    expect(vectors[0]).toHaveLength(descriptorDimension);
    expect(cosine(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 4);
    expect(await describeImage(originals[0]!)).toEqual(vectors[0]);
  });

  it.each(Object.keys(photoEdits))('after "%s" a photo is nearer itself than any other picture, by a clear margin', async (edit) => {
    const edited = await describeImage(await photoEdits[edit]!(originals[0]!));
    const same = cosine(edited, vectors[0]!);
    const others = vectors.slice(1).map((v) => cosine(edited, v));
    expect(same).toBeGreaterThan(0.6);
    expect(Math.max(...others)).toBeLessThan(0.4);
  });

  it('gives a mirrored photo the same vector', async () => {
    expect(cosine(await describeImage(await photoEdits.flip!(originals[1]!)), vectors[1]!)).toBeGreaterThan(0.99);
  });

  it('reads the EXIF orientation first: a sideways-stored photo tagged to be turned matches the upright one', async () => {
    const sideways = await sharp(originals[2]!).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    expect(cosine(await describeImage(sideways), vectors[2]!)).toBeGreaterThan(0.8);
  });

  it('refuses what is not a readable photo with a typed error, never a crash', async () => {
    const jpeg = await sharp(originals[0]!).jpeg().toBuffer();
    await expect(describeImage(Buffer.from('not an image at all'))).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(describeImage(Buffer.alloc(0))).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(describeImage(jpeg.subarray(0, 600))).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(describeImage(Buffer.concat([jpeg.subarray(0, 20), Buffer.alloc(500, 0xff)]))).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(describeImage(await pngClaiming(100_000, 100_000))).rejects.toBeInstanceOf(ImageTooLargeError);
  });
});

describe('the embedder the setting names', () => {
  it('is the descriptor when unset or named, a wired model otherwise, and says what to do when none is wired', () => {
    expect(embedderFor(undefined)).toBe(descriptorEmbedder);
    expect(embedderFor('kona-descriptor-v1')).toBe(descriptorEmbedder);
    expect(() => embedderFor('clip-vit-b32')).toThrow(/KONA_MATCHING_MODEL=clip-vit-b32 needs an image model.*Unset it/);
    const model = { modelId: 'clip-vit-b32', dimension: 512, embed: async () => [] };
    expect(embedderFor('clip-vit-b32', () => model)).toBe(model);
    expect(() => embedderFor('clip-vit-b32', () => ({ ...model, modelId: 'other' }))).toThrow(/another model id/);
    expect(() => embedderFor('Bad Id; drop table')).toThrow(/lower-case model id/);
  });
});
