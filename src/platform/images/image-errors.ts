import { KonaError } from '../errors/errors.js';

/** The kinds of photo Kona takes, as a person names them. */
export const acceptedImageTypes = ['JPEG', 'PNG', 'WebP', 'HEIC/HEIF'] as const;

const acceptedList = 'JPEG, PNG, WebP or HEIC/HEIF';

/** Why a file was refused as a photo. */
export type UnsupportedImageReason = 'not-an-image' | 'unreadable' | 'undecodable-heif';

const messages: Record<UnsupportedImageReason, string> = {
  'not-an-image': `This file is not a photo Kona can use, whatever its name says. Upload a ${acceptedList} image.`,
  unreadable: `This photo could not be read: it may be damaged or only partly uploaded. Upload it again as a ${acceptedList} image.`,
  'undecodable-heif': `This HEIC photo is encoded in a way this server cannot decode. Export it as JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible) and upload it again.`,
};

/** Refuses a file that is not an accepted photo, judged by its content and never by its name. */
export class UnsupportedImageError extends KonaError {
  readonly accepted = acceptedImageTypes;
  constructor(readonly reason: UnsupportedImageReason) {
    super('KONA_ERR_UNSUPPORTED_MEDIA_TYPE', messages[reason]);
    this.name = 'UnsupportedImageError';
  }
}

/** Refuses an image with more pixels than Kona decodes (a decompression bomb or a huge scan). */
export class ImageTooLargeError extends KonaError {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(
      'KONA_ERR_PAYLOAD_TOO_LARGE',
      `This image is ${width} × ${height} pixels (${megapixels(width * height)} megapixels); Kona accepts at most ${megapixels(maxPixels)} megapixels. Resize it and upload it again.`,
    );
    this.name = 'ImageTooLargeError';
  }
}

function megapixels(pixels: number): string {
  return String(Number((pixels / 1e6).toFixed(1)));
}
