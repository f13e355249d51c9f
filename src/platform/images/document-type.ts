import sharp from 'sharp';
import { KonaError } from '../errors/errors.js';
import { UnsupportedImageError } from './image-errors.js';
import { defaultMaxPixels, detectImageType, sniffImageType } from './image-type.js';

/** The kinds of document Kona takes, as a person names them. */
export const acceptedDocumentTypes = 'PDF, JPEG, PNG, WebP or HEIC';

/** The content types a stored document is served as (HEIC is converted to JPEG when stored). */
export type DocumentContentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';

/** A document ready to store: the bytes to keep, their type and the file extension Kona names it with. */
export interface PreparedDocument {
  data: Buffer;
  contentType: DocumentContentType;
  extension: 'pdf' | 'jpg' | 'png' | 'webp';
}

/** Refuses a file that is not an accepted document, judged by its content and never by its name. */
export class UnsupportedDocumentError extends KonaError {
  constructor() {
    super('KONA_ERR_UNSUPPORTED_MEDIA_TYPE', `This file is not a document Kona accepts, whatever its name says. Upload a ${acceptedDocumentTypes} file (web pages, SVG drawings and other files are refused).`);
    this.name = 'UnsupportedDocumentError';
  }
}

// "%PDF-1.7": the header every PDF writer puts first. Anything else (HTML, SVG, scripts) is refused.
const pdfHeader = /^%PDF-[12]\.\d/;

/** Whether bytes start as a PDF does. */
export function sniffPdf(bytes: Uint8Array): boolean {
  return pdfHeader.test(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16)).toString('latin1'));
}

/**
 * Checks an uploaded document by content and returns what to store: a PDF as it came; an image
 * re-encoded upright with all metadata (GPS above all) left behind. Throws
 * `UnsupportedDocumentError` (415) for anything else.
 */
export async function prepareDocument(bytes: Buffer, options: { maxPixels?: number } = {}): Promise<PreparedDocument> {
  if (sniffPdf(bytes)) return { data: bytes, contentType: 'application/pdf', extension: 'pdf' };
  if (!sniffImageType(bytes)) throw new UnsupportedDocumentError();
  const maxPixels = options.maxPixels ?? defaultMaxPixels;
  const image = await detectImageType(bytes, { maxPixels }).catch((err: unknown) => {
    if (err instanceof UnsupportedImageError && err.reason === 'not-an-image') throw new UnsupportedDocumentError();
    throw err;
  });
  // sharp writes no metadata unless asked (withMetadata/keepExif): the output carries pixels only.
  const upright = sharp(bytes, { limitInputPixels: maxPixels }).rotate();
  if (image.type === 'png') return { data: await upright.png().toBuffer(), contentType: 'image/png', extension: 'png' };
  if (image.type === 'webp') return { data: await upright.webp({ quality: 90 }).toBuffer(), contentType: 'image/webp', extension: 'webp' };
  // JPEG, and HEIC/AVIF (which few computers open) as JPEG.
  return { data: await upright.flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer(), contentType: 'image/jpeg', extension: 'jpg' };
}
