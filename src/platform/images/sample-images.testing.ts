import sharp from 'sharp';

/** How to draw a generated photo. */
export interface SamplePhotoOptions {
  width: number;
  height: number;
  format?: 'jpeg' | 'png' | 'webp' | 'avif' | 'gif';
  /** EXIF orientation tag (1–8) written into the file; the pixels stay as drawn. */
  orientation?: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
  /** Writes GPS coordinates (and a camera make) into the EXIF block. */
  gps?: boolean;
  /** Blurred noise, so the image compresses about as badly as a real photo. */
  noise?: boolean;
  /** A half-transparent image (PNG, WebP) to check what a JPEG fallback does with alpha. */
  alpha?: boolean;
}

/** Where `gps: true` puts the photo: a rescue's yard somewhere near Greenwich. */
export const sampleGps = { GPSLatitudeRef: 'N', GPSLatitude: '51/1 28/1 40/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 0/1 5/1' };

/**
 * Generates a photo with sharp, so tests, benchmarks and the demo need no binary fixtures: the left
 * half red, the right half blue, which shows whether an orientation was applied.
 */
export async function samplePhoto(options: SamplePhotoOptions): Promise<Buffer> {
  const { width, height } = options;
  const channels = options.alpha ? 4 : 3;
  const background = options.alpha ? { r: 0, g: 0, b: 255, alpha: 0.5 } : { r: 0, g: 0, b: 255 };
  const left = await sharp({ create: { width: Math.max(1, Math.floor(width / 2)), height, channels, background: { r: 255, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
  let image = sharp({ create: { width, height, channels, background } }).composite([{ input: left, left: 0, top: 0 }]);
  if (options.noise) {
    // Coarse blobs for the small variants to keep, fine grain for the large ones: photo-like detail.
    const coarse = await noiseLayer(Math.ceil(width / 32), Math.ceil(height / 32), 0.5, { width, height });
    const fine = await noiseLayer(width, height, 0.4);
    image = sharp(await image.png({ compressionLevel: 0 }).toBuffer()).composite([{ input: coarse }, { input: fine }]);
  }
  image = encode(image, options.format ?? 'jpeg');
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  if (options.gps) image = image.withExif({ IFD0: { Make: 'Kona test camera' }, IFD3: sampleGps });
  return image.toBuffer();
}

async function noiseLayer(width: number, height: number, opacity: number, scaleTo?: { width: number; height: number }): Promise<Buffer> {
  let layer = sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });
  if (scaleTo) layer = sharp(await layer.png().toBuffer()).resize(scaleTo.width, scaleTo.height, { fit: 'fill', kernel: 'cubic' });
  else layer = layer.blur(1);
  return layer.ensureAlpha(opacity).png({ compressionLevel: 0 }).toBuffer();
}

function encode(image: sharp.Sharp, format: NonNullable<SamplePhotoOptions['format']>): sharp.Sharp {
  if (format === 'png') return image.png();
  if (format === 'webp') return image.webp();
  if (format === 'avif') return image.avif({ effort: 0 });
  if (format === 'gif') return image.gif();
  return image.jpeg({ quality: 90 });
}

/** A PNG whose header claims `width`×`height` pixels in a few hundred bytes: a decompression bomb's calling card. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
  // IHDR is the first chunk: length (4) at 8, type at 12, width and height at 16 and 20, CRC at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
