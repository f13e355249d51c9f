/**
 * The image embedding engine of `kona embedder`: a CLIP-class ONNX model folder loaded with
 * `@huggingface/transformers` (`CLIPVisionModelWithProjection` and the folder's own image processor)
 * on onnxruntime-node's CPU binaries, local files only. Images are decoded by sharp first, so a
 * malformed, truncated or huge image is refused as bad input (ImageInputError) before the model sees
 * it, and vectors come back L2-normalised (cosine similarity is then a dot product).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ImageInputError } from './data-url.js';

/** Most pixels of one image sharp will decode (about a 64-megapixel photo); more is refused, not decoded. */
export const MAX_IMAGE_PIXELS = 64_000_000;
/** Images are shrunk to fit this square before the model's own processor resizes them (it needs far fewer). */
const PRE_RESIZE = 1024;

/** A loaded model. */
export interface ImageEmbedder {
  /** The model id it answers to (the folder's name unless given). */
  id: string;
  /** Its vectors' dimension (read from a first embedding at load). */
  dimension: number;
  /** One unit vector per image, in order; throws ImageInputError for an image that does not decode. */
  embed(images: Buffer[]): Promise<number[][]>;
  close(): Promise<void>;
}

/** The files a CLIP-class folder needs for image embeddings. */
export const REQUIRED_FILES = ['config.json', 'preprocessor_config.json', path.join('onnx', 'vision_model.onnx')];

/** A model folder that cannot be loaded; the message names the folder and what is missing. */
export class EmbedderLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbedderLoadError';
  }
}

/** Decodes an image to 8-bit RGB (EXIF orientation applied, alpha flattened on white, shrunk to fit PRE_RESIZE). */
async function decodeRgb(bytes: Buffer, index: number): Promise<{ data: Uint8Array; width: number; height: number }> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize({ width: PRE_RESIZE, height: PRE_RESIZE, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (err) {
    const why = /pixel limit/i.test((err as Error).message) ? `it has more than ${MAX_IMAGE_PIXELS} pixels` : 'it is not an image this server can decode (JPEG, PNG, WebP, GIF, AVIF, TIFF), or it is damaged';
    throw new ImageInputError(`input ${index}: the image was refused: ${why}`);
  }
}

function normalise(v: Float32Array | number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  return Array.from(v, (x) => x / norm);
}

/** Loads a model folder (local files only; nothing is downloaded). */
export async function loadImageEmbedder(folder: string, opts: { id?: string; threads?: number } = {}): Promise<ImageEmbedder> {
  const dir = path.resolve(folder);
  const missing = REQUIRED_FILES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) throw new EmbedderLoadError(`${dir} is not a CLIP-class model folder: missing ${missing.join(', ')}`);
  const t = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = path.dirname(dir);
  let processor: Awaited<ReturnType<typeof t.AutoProcessor.from_pretrained>>;
  let model: Awaited<ReturnType<typeof t.CLIPVisionModelWithProjection.from_pretrained>>;
  try {
    processor = await t.AutoProcessor.from_pretrained(dir);
    model = await t.CLIPVisionModelWithProjection.from_pretrained(dir, {
      dtype: 'fp32', device: 'cpu',
      ...(opts.threads ? { session_options: { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } } : {}),
    });
  } catch (err) {
    throw new EmbedderLoadError(`cannot load the model in ${dir}: ${(err as Error).message}`);
  }
  // One model run at a time: onnxruntime already spreads a run over the CPU threads it is given.
  let queue: Promise<unknown> = Promise.resolve();
  const run = async (images: Buffer[]): Promise<number[][]> => {
    const decoded = await Promise.all(images.map((bytes, index) => decodeRgb(bytes, index)));
    const raw = decoded.map((d) => new t.RawImage(d.data, d.width, d.height, 3));
    const inputs = await processor(raw);
    const out = (await model(inputs)) as Record<string, { dims: number[]; data: Float32Array } | undefined>;
    const embeds = out.image_embeds;
    if (!embeds || embeds.dims.length !== 2) throw new EmbedderLoadError('the model has no image_embeds output of shape [images, dimension]');
    const dim = embeds.dims[1]!;
    return raw.map((_, i) => normalise(embeds.data.subarray(i * dim, (i + 1) * dim)));
  };
  const embed = (images: Buffer[]): Promise<number[][]> => {
    const next = queue.then(() => run(images));
    queue = next.catch(() => undefined);
    return next;
  };
  const probe = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
  const [first] = await embed([probe]);
  return {
    id: opts.id ?? path.basename(dir),
    dimension: first!.length,
    embed,
    async close() {
      await queue;
      await model.dispose();
    },
  };
}
