import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError, TooLargeError } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';
import { readLimited } from './read-limited.js';
import { ensureStored, releaseBlobs } from './release.js';

const base = mkdtempSync(path.join(tmpdir(), 'kona-release-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const newStore = () => new LocalBlobStore(path.join(base, `s${++n}`));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const put = (store: LocalBlobStore, b: Buffer) => store.putStream(Readable.from([b]), { maxBytes: b.byteLength });
const temp = (store: LocalBlobStore) => (existsSync(path.join(store.root, '.tmp')) ? readdirSync(path.join(store.root, '.tmp')) : []);

describe('releaseBlobs', () => {
  it('removes blobs nothing references and keeps the rest, leaving no aside file', async () => {
    const store = newStore();
    const [a, b] = [randomBytes(100), randomBytes(100)];
    await put(store, a);
    await put(store, b);
    const referenced = new Set([sha256(b)]);
    const result = await releaseBlobs(store, [sha256(a), sha256(b), sha256(a), sha256(randomBytes(4))], [async (k) => referenced.has(k)]);
    expect(result).toEqual({ removed: [sha256(a)], kept: [sha256(b)] });
    expect(await store.exists(sha256(a))).toBe(false);
    expect(readFileSync(store.pathFor(sha256(b)))).toEqual(b);
    expect(temp(store)).toEqual([]);
  });

  it('puts the blob back when an upload commits its row before the reference check', async () => {
    const store = newStore();
    const bytes = randomBytes(1000);
    await put(store, bytes);
    // The check runs with the blob set aside; a concurrent upload of the same bytes stores them
    // again (its put publishes a new file) and commits its row, which the check then sees.
    const result = await releaseBlobs(store, [sha256(bytes)], [async () => {
      expect(await store.exists(sha256(bytes))).toBe(false);
      expect((await put(store, bytes)).created).toBe(true);
      return true;
    }]);
    expect(result.kept).toEqual([sha256(bytes)]);
    expect(readFileSync(store.pathFor(sha256(bytes)))).toEqual(bytes);
    expect(temp(store)).toEqual([]);
  });

  it('loses nothing when the upload commits after the check: ensureStored brings the bytes back', async () => {
    const store = newStore();
    const bytes = randomBytes(1000);
    await put(store, bytes);
    // Upload: put finds the blob (created false), then its row is not yet committed…
    expect((await put(store, bytes)).created).toBe(false);
    // …so the release of another record's use sees no reference and removes the file…
    expect((await releaseBlobs(store, [sha256(bytes)], [async () => false])).removed).toEqual([sha256(bytes)]);
    expect(await store.exists(sha256(bytes))).toBe(false);
    // …and the upload, after its commit, stores the bytes again.
    expect(await ensureStored(store, [{ key: sha256(bytes), data: bytes }])).toBe(1);
    expect(readFileSync(store.pathFor(sha256(bytes)))).toEqual(bytes);
    expect(await ensureStored(store, [{ key: sha256(bytes), data: bytes }])).toBe(0);
  });

  it('keeps the blob when the reference check fails', async () => {
    const store = newStore();
    const bytes = randomBytes(10);
    await put(store, bytes);
    await expect(releaseBlobs(store, [sha256(bytes)], [async () => { throw new Error('database down'); }])).rejects.toThrow('database down');
    expect(await store.exists(sha256(bytes))).toBe(true);
    expect(temp(store)).toEqual([]);
  });

  it('refuses aside tokens it did not make', async () => {
    const store = newStore();
    const key = sha256(Buffer.from('x'));
    await expect(store.discard('../../etc/passwd')).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.putBack(key, `${sha256(Buffer.from('y'))}.00000000-0000-4000-8000-000000000000.aside`)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    expect(await store.setAside(key)).toBeUndefined();
  });
});

describe('readLimited', () => {
  it('reads up to the limit and refuses one byte more', async () => {
    expect(await readLimited(Readable.from([Buffer.alloc(5), Buffer.alloc(5)]), 10)).toHaveLength(10);
    await expect(readLimited(Readable.from([Buffer.alloc(5), Buffer.alloc(6)]), 10)).rejects.toBeInstanceOf(TooLargeError);
  });
});
