import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { LocalBlobStore, staleTempAgeMs, type SweepResult } from './local-blob-store.js';

/** What a sweep of the uploads directory did, summed over every store it found. */
export interface UploadsSweep extends SweepResult {
  /** Store roots looked at. */
  stores: number;
}

// `<aa>` folders inside a store hold blobs, never another store.
const blobFanOut = /^[0-9a-f]{2}$/;

/**
 * Sweeps the temp folder of every blob store under the uploads directory (`LocalBlobStore.sweepTemp`):
 * each rescue's `<uploads>/<slug>` and the stores kept inside it (`<slug>/contracts`), found by
 * listing rather than by a list of features, so a store added later is swept too. Run at start
 * and on a schedule; `now` is the caller's clock, and an upload in progress is younger than `maxAgeMs`.
 */
export async function sweepUploads(uploadsDir: string, now: number, maxAgeMs = staleTempAgeMs): Promise<UploadsSweep> {
  const total: UploadsSweep = { stores: 0, removed: 0, restored: 0 };
  for (const rescue of await subfolders(uploadsDir)) {
    const nested = (await subfolders(rescue)).filter((dir) => !blobFanOut.test(path.basename(dir)) && path.basename(dir) !== '.tmp');
    for (const root of [rescue, ...nested]) {
      const swept = await new LocalBlobStore(root).sweepTemp(now, maxAgeMs);
      total.stores++;
      total.removed += swept.removed;
      total.restored += swept.restored;
    }
  }
  return total;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
}
