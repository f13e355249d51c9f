/**
 * Where search photos are kept, and for how long. Each upload is re-encoded at once (upright JPEG,
 * no EXIF or other metadata: sharp drops it unless asked to keep it) and the clean copy is stored
 * in a blob store for its day, `<uploads>/_lostfound/<YYYY-MM-DD>`; the daily sweep removes each
 * day's store once it is older than KONA_LOSTFOUND_KEEP_DAYS. A slug never starts with `_`, so
 * the folder cannot clash with a rescue's store.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { defaultMaxPixels, detectImageType } from '../../platform/images/index.js';
import { LocalBlobStore } from '../../platform/storage/index.js';

/** The folder under the uploads directory that holds the day stores. */
export const searchPhotosFolder = '_lostfound';
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** Checks an upload by content (type, pixel limit) and returns it re-encoded without metadata. */
export async function cleanSearchPhoto(bytes: Buffer): Promise<Buffer> {
  await detectImageType(bytes);
  return sharp(bytes, { limitInputPixels: defaultMaxPixels }).rotate().resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
}

/** Stores a cleaned search photo in today's store; returns its key. */
export async function keepSearchPhoto(uploadsDir: string, now: number, clean: Buffer): Promise<string> {
  const store = new LocalBlobStore(path.join(uploadsDir, searchPhotosFolder, new Date(now).toISOString().slice(0, 10)));
  return (await store.putStream(Readable.from([clean]), { maxBytes: clean.byteLength })).sha256;
}

/** Deletes the day stores older than `keepDays` (judged by `now`); returns the days removed. */
export async function sweepSearchPhotos(uploadsDir: string, now: number, keepDays: number): Promise<string[]> {
  const root = path.join(uploadsDir, searchPhotosFolder);
  const cutoff = new Date(now - keepDays * 86_400_000).toISOString().slice(0, 10);
  const days = await readdir(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const old = days.filter((d) => dayPattern.test(d) && d < cutoff).sort();
  for (const day of old) await rm(path.join(root, day), { recursive: true, force: true });
  return old;
}
