import { Readable } from 'node:stream';
import type { BlobStore } from './blob-store.js';

/** Whether any record still references a blob key (each feature answers for its own tables). */
export type BlobReferenceCheck = (key: string) => Promise<boolean>;

/** What a release did with each key. */
export interface ReleaseResult {
  removed: string[];
  kept: string[];
}

/**
 * Removes the blobs of a deleted record that no other record references. Call it only after the
 * record's deletion committed; `checks` together must cover every table that holds blob keys.
 *
 * Why set aside first: an upload of the same bytes runs put → insert row (commit) → `ensureStored`.
 * Checking references and then deleting would leave a gap in which that upload commits its row
 * and checks the blob is there, after which the delete takes the blob from under it. Here the
 * blob leaves its published name *before* references are read, so either
 *   - the upload's row committed before the check: we see the reference and put the blob back; or
 *   - it commits after the check: its `ensureStored` runs later still, finds the blob gone and
 *     stores its own copy of the bytes again.
 * No lock is held across requests, and it works the same for several web replicas over one shared
 * (NFS) storage root, where an in-process lock would not. Between set-aside and put-back the blob
 * is briefly missing for readers (a 404 on a shared photo for milliseconds), which is acceptable.
 */
export async function releaseBlobs(store: BlobStore, keys: readonly string[], checks: readonly BlobReferenceCheck[]): Promise<ReleaseResult> {
  const result: ReleaseResult = { removed: [], kept: [] };
  for (const key of new Set(keys)) {
    const token = await store.setAside(key);
    if (!token) continue;
    let referenced = true;
    try {
      referenced = await isReferenced(key, checks);
    } finally {
      // On a failed check the blob goes back: keeping an unused file is harmless, losing one is not.
      if (referenced) await store.putBack(key, token);
    }
    if (referenced) result.kept.push(key);
    else {
      await store.discard(token);
      result.removed.push(key);
    }
  }
  return result;
}

async function isReferenced(key: string, checks: readonly BlobReferenceCheck[]): Promise<boolean> {
  for (const check of checks) if (await check(key)) return true;
  return false;
}

/**
 * The upload's half of the protocol in {@link releaseBlobs}: after the row that references these
 * blobs committed, stores again any that a concurrent release removed meanwhile.
 */
export async function ensureStored(store: BlobStore, blobs: readonly { key: string; data: Buffer }[]): Promise<number> {
  let restored = 0;
  for (const { key, data } of blobs) {
    if (await store.exists(key)) continue;
    const put = await store.putStream(Readable.from([data]), { maxBytes: data.byteLength });
    if (put.sha256 !== key) throw new Error(`ensureStored: bytes for ${key} hash to ${put.sha256}`);
    restored++;
  }
  return restored;
}
