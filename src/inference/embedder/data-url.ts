/**
 * Image data URLs, the way image bytes travel in an embeddings request (`data:image/jpeg;base64,…`),
 * and the size limits that go with them. Decoding checks the shape and the size before it allocates,
 * and its errors say what is wrong without quoting the input.
 */

/** Most bytes of one image (decoded): 10 MiB, a large phone photo. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/**
 * Most bytes of an embeddings request body at the dispatcher and at `kona embedder`: 48 MiB, so a
 * few full-size photos fit in one request (base64 adds a third). The client splits larger batches.
 */
export const EMBEDDINGS_BODY_LIMIT = 48 * 1024 * 1024;

/** Most images in one request to `kona embedder`; the client splits longer lists. */
export const MAX_IMAGES_PER_REQUEST = 64;

/** A data URL that cannot be an image input; the message says why, never what it held. */
export class ImageInputError extends Error {
  constructor(message: string, readonly code: 'invalid_image' | 'image_too_large' = 'invalid_image') {
    super(message);
    this.name = 'ImageInputError';
  }
}

const prefix = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)?((?:;[a-z0-9.+-]+=[^;,]*)*);base64,/i;
const base64Body = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 data URL; throws ImageInputError when it is not one or is too large. */
export function decodeDataUrl(url: string, maxBytes = MAX_IMAGE_BYTES): Buffer {
  const head = prefix.exec(url.slice(0, 256));
  if (!head) {
    throw new ImageInputError(url.startsWith('data:')
      ? 'an image must be a base64 data URL (data:image/jpeg;base64,…)'
      : 'an image must be sent as a data URL (data:image/jpeg;base64,…); this server fetches no remote URLs');
  }
  const body = url.slice(head[0].length).replace(/\s+/g, '');
  if (Math.floor((body.length * 3) / 4) > maxBytes + 2) throw new ImageInputError(`an image is larger than ${maxBytes} bytes`, 'image_too_large');
  if (body.length === 0 || body.length % 4 === 1 || !base64Body.test(body)) throw new ImageInputError('an image data URL holds no valid base64');
  return Buffer.from(body, 'base64');
}

/** The media type of common image bytes by their signature (JPEG, PNG, WebP, GIF, AVIF/HEIF, TIFF), else octet-stream. */
export function sniffImageType(bytes: Uint8Array): string {
  const at = (offset: number, ascii: string) => Buffer.from(bytes.subarray(offset, offset + ascii.length)).toString('latin1') === ascii;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (at(0, '\x89PNG')) return 'image/png';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'image/webp';
  if (at(0, 'GIF8')) return 'image/gif';
  if (at(4, 'ftypavif')) return 'image/avif';
  if (at(4, 'ftyphei') || at(4, 'ftypmif1')) return 'image/heif';
  if (at(0, 'II*\0') || at(0, 'MM\0*')) return 'image/tiff';
  return 'application/octet-stream';
}

/** A base64 data URL of image bytes, typed by their signature. */
export function toDataUrl(bytes: Uint8Array): string {
  return `data:${sniffImageType(bytes)};base64,${Buffer.from(bytes).toString('base64')}`;
}
