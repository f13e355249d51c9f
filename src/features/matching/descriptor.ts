/**
 * The deterministic image descriptor: Kona's own embedder when no model is configured. Three blocks,
 * each zero-centred and L2-normalised so that unrelated images score near 0 on every block:
 *  - a coarse HSV colour histogram (8 hues × 3 saturations × 3 values, square-rooted: Hellinger),
 *    which survives crops, flips and blur but not recolouring;
 *  - a 16×16 grey thumbnail, contrast-normalised, which survives light changes, blur and JPEG;
 *  - a DCT perceptual hash (63 bits as ±1), which survives all of those and mild crops.
 * Each block is pooled over three views (the whole picture, centre crops of 80% and 60%) and over
 * each view's mirror image, so a flipped photo gives the same vector and a cropped one a near one.
 * Pure and deterministic: the same bytes give the same vector on every run.
 */
import sharp from 'sharp';
import { inspectImage, UnsupportedImageError } from '../../platform/images/index.js';

/** The descriptor's model id: stored with every vector it makes, bumped when the recipe changes. */
export const descriptorModelId = 'kona-descriptor-v1';

const hueBins = 8;
const satBins = 3;
const valBins = 3;
const histDim = hueBins * satBins * valBins;
const thumbSide = 16;
const hashSide = 32;
const hashKeep = 8;
const hashDim = hashKeep * hashKeep - 1;
/** The vector's length. */
export const descriptorDimension = histDim + thumbSide * thumbSide + hashDim;

/** Centre crops pooled with the whole picture (share of each side kept). */
const viewScales = [1, 0.8, 0.6];
/** Pixels per side a view is reduced to before its blocks are computed. */
const workSide = 64;

/** Scales a vector in place to unit length (a zero vector stays zero). */
export function normalise(v: Float64Array | number[]): void {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
}

function centre(v: Float64Array): Float64Array {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  for (let i = 0; i < v.length; i++) v[i]! -= mean;
  normalise(v);
  return v;
}

function hsvBin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const delta = max - min;
  let hue = 0;
  if (delta > 0) {
    if (max === r) hue = ((g - b) / delta + 6) % 6;
    else if (max === g) hue = (b - r) / delta + 2;
    else hue = (r - g) / delta + 4;
  }
  const sat = max === 0 ? 0 : delta / max;
  const h = Math.min(hueBins - 1, Math.floor((hue / 6) * hueBins));
  const s = Math.min(satBins - 1, Math.floor(sat * satBins));
  const v = Math.min(valBins - 1, Math.floor((max / 256) * valBins));
  return (h * satBins + s) * valBins + v;
}

function histogram(rgb: Buffer): Float64Array {
  const hist = new Float64Array(histDim);
  for (let i = 0; i + 2 < rgb.length; i += 3) hist[hsvBin(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!)]! += 1;
  for (let i = 0; i < histDim; i++) hist[i] = Math.sqrt(hist[i]!);
  return centre(hist);
}

/** Mean of a square grey image and its mirror: the same for a photo and its horizontal flip. */
function mirrored(grey: Float64Array, side: number): Float64Array {
  const out = new Float64Array(grey.length);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = grey[y * side + (side - 1 - x)]!;
  return out;
}

/** Box-averages a square grey image from `from` to `to` pixels a side (`from` a multiple of `to`). */
function shrink(grey: Float64Array, from: number, to: number): Float64Array {
  const f = from / to;
  const out = new Float64Array(to * to);
  for (let y = 0; y < from; y++) for (let x = 0; x < from; x++) out[Math.floor(y / f) * to + Math.floor(x / f)]! += grey[y * from + x]!;
  return out;
}

const dctTable = (() => {
  const t = new Float64Array(hashKeep * hashSide);
  for (let k = 0; k < hashKeep; k++) for (let n = 0; n < hashSide; n++) t[k * hashSide + n] = Math.cos((Math.PI / hashSide) * (n + 0.5) * k);
  return t;
})();

/** pHash: the low 8×8 DCT coefficients (DC left out) as +1 above their median, −1 below. */
function phash(grey: Float64Array): Float64Array {
  const rows = new Float64Array(hashSide * hashKeep);
  for (let y = 0; y < hashSide; y++) for (let k = 0; k < hashKeep; k++) {
    let s = 0;
    for (let x = 0; x < hashSide; x++) s += grey[y * hashSide + x]! * dctTable[k * hashSide + x]!;
    rows[y * hashKeep + k] = s;
  }
  const coeffs: number[] = [];
  for (let u = 0; u < hashKeep; u++) for (let v = 0; v < hashKeep; v++) {
    if (u === 0 && v === 0) continue;
    let s = 0;
    for (let y = 0; y < hashSide; y++) s += rows[y * hashKeep + v]! * dctTable[u * hashSide + y]!;
    coeffs.push(s);
  }
  const median = [...coeffs].sort((a, b) => a - b)[Math.floor(coeffs.length / 2)]!;
  return Float64Array.from(coeffs, (c) => (c > median ? 1 : -1));
}

function add(into: Float64Array, from: Float64Array, weight = 1): void {
  for (let i = 0; i < into.length; i++) into[i]! += from[i]! * weight;
}

interface Blocks { hist: Float64Array; thumb: Float64Array; hash: Float64Array }

function viewBlocks(rgb: Buffer): Blocks {
  const grey = new Float64Array(workSide * workSide);
  for (let p = 0; p < grey.length; p++) grey[p] = 0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!;
  const flipped = mirrored(grey, workSide);
  const thumb = shrink(grey, workSide, thumbSide);
  add(thumb, shrink(flipped, workSide, thumbSide));
  const hash = phash(shrink(grey, workSide, hashSide));
  add(hash, phash(shrink(flipped, workSide, hashSide)));
  return { hist: histogram(rgb), thumb: centre(thumb), hash: centre(hash) };
}

/** Decodes upright (EXIF orientation applied) to an sRGB raster small enough to crop views from. */
async function decode(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  await inspectImage(bytes);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).rotate().resize(256, 256, { fit: 'inside' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw new UnsupportedImageError('unreadable');
  }
}

async function viewOf(image: { data: Buffer; width: number; height: number }, scale: number): Promise<Buffer> {
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: Math.floor((image.width - w) / 2), top: Math.floor((image.height - h) / 2), width: w, height: h })
    .resize(workSide, workSide, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

/**
 * The descriptor of an image's bytes: `descriptorDimension` numbers of unit length. Throws
 * `UnsupportedImageError` (or `ImageTooLargeError`) for bytes that are not a readable photo.
 */
export async function describeImage(bytes: Buffer): Promise<number[]> {
  const image = await decode(bytes);
  const pooled: Blocks = { hist: new Float64Array(histDim), thumb: new Float64Array(thumbSide * thumbSide), hash: new Float64Array(hashDim) };
  for (const scale of viewScales) {
    const blocks = viewBlocks(await viewOf(image, scale));
    add(pooled.hist, blocks.hist);
    add(pooled.thumb, blocks.thumb);
    add(pooled.hash, blocks.hash);
  }
  for (const block of [pooled.hist, pooled.thumb, pooled.hash]) normalise(block);
  const out = [...pooled.hist, ...pooled.thumb, ...pooled.hash];
  normalise(out);
  return out.map((x) => Math.round(x * 1e6) / 1e6);
}
