/** The generated tiny CLIP folder through @huggingface/transformers and onnxruntime-node, in process. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageInputError } from './data-url.js';
import { cosine, testImage, tinyModelDir } from './embedder.testing.js';
import { EmbedderLoadError, loadImageEmbedder, type ImageEmbedder } from './engine.js';
import { tinyClipOnnx } from './tiny-clip.js';

const norm = (v: number[]) => Math.hypot(...v);
const folder = tinyModelDir();
let embedder: ImageEmbedder;

beforeAll(async () => {
  embedder = await loadImageEmbedder(folder.dir, { threads: 1 });
});
afterAll(async () => {
  await embedder?.close();
  folder.remove();
});

describe('the tiny CLIP model folder', () => {
  it('is written the same way every time, and loads with its folder name and dimension', () => {
    expect(Buffer.from(tinyClipOnnx())).toEqual(readFileSync(path.join(folder.dir, 'onnx', 'vision_model.onnx')));
    expect(Buffer.from(tinyClipOnnx({ seed: 18 }))).not.toEqual(Buffer.from(tinyClipOnnx()));
    expect(embedder.id).toBe('kona-tiny-clip');
    expect(embedder.dimension).toBe(32);
  });

  it('embeds the same bytes to the same unit vector, and different images to different ones', async () => {
    const red = await testImage({ background: '#c0392b', block: '#f1c40f', left: 5, top: 5 });
    const blue = await testImage({ background: '#2c3e50', block: '#ecf0f1', left: 60, top: 40 });
    const [a, b, a2] = await embedder.embed([red, blue, red]);
    expect(a).toEqual(a2);
    expect(norm(a!)).toBeCloseTo(1, 5);
    expect(norm(b!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeLessThan(0.99);
    const [again] = await embedder.embed([red]);
    expect(again).toEqual(a);
  });

  it('sees the same picture as PNG and as JPEG as close, closer than another picture', async () => {
    const scene = { background: '#27ae60', block: '#8e44ad', left: 30, top: 20 };
    const [png, jpeg, other] = await embedder.embed([
      await testImage({ ...scene, format: 'png' }), await testImage({ ...scene, format: 'jpeg' }),
      await testImage({ background: '#f39c12', block: '#2980b9', left: 0, top: 40 }),
    ]);
    expect(cosine(png!, jpeg!)).toBeGreaterThan(0.99);
    expect(cosine(png!, jpeg!)).toBeGreaterThan(cosine(png!, other!));
  });

  it('refuses bytes that are not an image, and a truncated JPEG, as bad input naming the input', async () => {
    const good = await testImage({ background: '#000000', block: '#ffffff', left: 0, top: 0 });
    await expect(embedder.embed([good, Buffer.from('not an image at all')])).rejects.toThrow(ImageInputError);
    await expect(embedder.embed([good.subarray(0, good.length / 2)])).rejects.toThrow(/input 0: the image was refused/);
    // The engine is unharmed by a refusal.
    expect((await embedder.embed([good]))[0]).toHaveLength(32);
  });

  it('says what a folder lacks, and a model of another dimension reports it', async () => {
    await expect(loadImageEmbedder(path.join(folder.dir, 'onnx'))).rejects.toThrow(EmbedderLoadError);
    await expect(loadImageEmbedder(path.join(folder.dir, 'onnx'))).rejects.toThrow(/missing config\.json, preprocessor_config\.json, onnx\/vision_model\.onnx/);
    const wide = tinyModelDir('wide', { dim: 48 });
    try {
      const other = await loadImageEmbedder(wide.dir, { id: 'wide-clip', threads: 1 });
      expect([other.id, other.dimension]).toEqual(['wide-clip', 48]);
      await other.close();
    } finally {
      wide.remove();
    }
  });
});
