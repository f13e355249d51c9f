import sharp from 'sharp';
import { ImageTooLargeError, UnsupportedImageError } from './image-errors.js';

/** A photo format Kona accepts (AVIF counts as HEIF: the same container). */
export type ImageType = 'jpeg' | 'png' | 'webp' | 'heif';

/** An accepted photo: its type, its MIME type and its size as displayed (EXIF orientation applied). */
export interface DetectedImage {
  type: ImageType;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'image/avif';
  width: number;
  height: number;
}

/** Most pixels Kona decodes (50 megapixels: any phone or camera photo, no decompression bomb). */
export const defaultMaxPixels = 50_000_000;

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const heifBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);

/** The image type a file's first bytes announce, if any; decides before any decoder sees the file. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(pngSignature)) return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (heifBrandsOf(b).some((brand) => heifBrands.has(brand))) return 'heif';
  return undefined;
}

// The ftyp box: size, 'ftyp', major brand, minor version, then compatible brands to the box's end.
function heifBrandsOf(b: Buffer): string[] {
  if (b.length < 16 || b.toString('latin1', 4, 8) !== 'ftyp') return [];
  const end = Math.min(b.readUInt32BE(0), b.length, 256);
  const brands = [b.toString('latin1', 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(b.toString('latin1', at, at + 4));
  return brands;
}

/** Sniffs, then reads the header with sharp: the type, sharp's metadata, and the pixel limit checked. */
export async function inspectImage(bytes: Buffer, maxPixels = defaultMaxPixels): Promise<{ type: ImageType; metadata: sharp.Metadata }> {
  const type = sniffImageType(bytes);
  if (!type) throw new UnsupportedImageError('not-an-image');
  let metadata: sharp.Metadata;
  try {
    // The header only; our own pixel check below gives the clearer message.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new UnsupportedImageError('unreadable');
  }
  if (metadata.format !== type || !metadata.width || !metadata.height) throw new UnsupportedImageError('unreadable');
  if (metadata.width * metadata.height > maxPixels) throw new ImageTooLargeError(metadata.width, metadata.height, maxPixels);
  return { type, metadata };
}

/**
 * The type of an uploaded photo judged by its content: JPEG, PNG, WebP, or HEIC/HEIF where this
 * build of sharp can decode it; anything else throws `UnsupportedImageError`.
 */
export async function detectImageType(bytes: Buffer, options: { maxPixels?: number } = {}): Promise<DetectedImage> {
  const maxPixels = options.maxPixels ?? defaultMaxPixels;
  const { type, metadata } = await inspectImage(bytes, maxPixels);
  // Whether a HEIF decodes depends on its codec and this build's libheif (the prebuilt sharp reads
  // AV1 but not HEVC), which only a decode tells.
  if (type === 'heif') {
    await sharp(bytes, { limitInputPixels: maxPixels })
      .resize(16, 16, { fit: 'inside' })
      .raw()
      .toBuffer()
      .catch(() => {
        throw new UnsupportedImageError('undecodable-heif');
      });
  }
  const { width, height } = metadata.autoOrient;
  return { type, contentType: contentTypeOf(type, metadata), width, height };
}

function contentTypeOf(type: ImageType, metadata: sharp.Metadata): DetectedImage['contentType'] {
  if (type === 'heif') return metadata.compression === 'av1' ? 'image/avif' : 'image/heic';
  return `image/${type}`;
}
