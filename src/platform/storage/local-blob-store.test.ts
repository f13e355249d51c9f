import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError, TooLargeError } from './blob-store.js';
import { LocalBlobStore, staleTempAgeMs } from './local-blob-store.js';

const base = mkdtempSync(path.join(tmpdir(), 'kona-blobs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let stores = 0;
function newStore(): LocalBlobStore {
  return new LocalBlobStore(path.join(base, `store-${++stores}`));
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Yields `bytes` in chunks, calling `between` after each so a test can look at the disk mid-upload. */
async function* chunked(bytes: Buffer, size: number, between?: (sent: number) => void | Promise<void>) {
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.subarray(at, at + size);
    await between?.(Math.min(at + size, bytes.length));
  }
}

/** Every file under the root except the temp directory: what a put has published. */
function publishedFiles(store: LocalBlobStore): string[] {
  if (!existsSync(store.root)) return [];
  return (readdirSync(store.root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && !path.relative(store.root, e.parentPath).startsWith('.tmp'))
    .map((e) => path.join(e.parentPath, e.name));
}

const tempFiles = (store: LocalBlobStore) => (existsSync(path.join(store.root, '.tmp')) ? readdirSync(path.join(store.root, '.tmp')) : []);

describe('LocalBlobStore', () => {
  it('stores bytes under their sha256 and stores identical bytes only once', async () => {
    const store = newStore();
    const bytes = randomBytes(200_000);
    const first = await store.putStream(chunked(bytes, 64 * 1024), { maxBytes: 1_000_000 });
    expect(first).toEqual({ sha256: sha256(bytes), size: bytes.length, created: true });
    const key = first.sha256;
    expect(publishedFiles(store)).toEqual([path.join(store.root, key.slice(0, 2), key.slice(2, 4), key)]);

    const again = await store.putStream(Readable.from([bytes]), { maxBytes: 1_000_000 });
    expect(again).toEqual({ sha256: key, size: bytes.length, created: false });
    expect(publishedFiles(store)).toHaveLength(1);
    expect(tempFiles(store)).toEqual([]);

    const read = await store.get(key);
    expect(read?.size).toBe(bytes.length);
    expect(Buffer.concat(await read!.stream.toArray())).toEqual(bytes);
    expect(await store.exists(key)).toBe(true);
  });

  it('refuses an upload as soon as it passes the limit, keeping nothing', async () => {
    const store = newStore();
    const bytes = randomBytes(100_000);
    let tempDuringUpload: string[] = [];
    let sent = 0;
    const upload = store.putStream(
      chunked(bytes, 10_000, (n) => {
        sent = n;
        if (n === 10_000) tempDuringUpload = tempFiles(store);
      }),
      { maxBytes: 25_000 },
    );
    const err = await upload.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err).toMatchObject({ maxBytes: 25_000, code: 'KONA_ERR_PAYLOAD_TOO_LARGE', status: 413 });
    expect((err as Error).message).toContain('24.4 KB limit');
    // It streamed into a temp file, stopped reading at the third chunk, and removed the temp file.
    expect(tempDuringUpload).toHaveLength(1);
    expect(sent).toBe(20_000);
    expect(tempFiles(store)).toEqual([]);
    expect(publishedFiles(store)).toEqual([]);
    expect(await store.exists(sha256(bytes))).toBe(false);
  });

  it('accepts exactly the limit', async () => {
    const store = newStore();
    const bytes = randomBytes(4096);
    await expect(store.putStream(chunked(bytes, 1000), { maxBytes: 4096 })).resolves.toMatchObject({ size: 4096, created: true });
  });

  it('never shows a partial file under the final name, and drops an upload that breaks off', async () => {
    const store = newStore();
    const bytes = randomBytes(50_000);
    const key = sha256(bytes);
    const seen: boolean[] = [];
    const done = await store.putStream(
      chunked(bytes, 10_000, async () => {
        seen.push(await store.exists(key));
      }),
      { maxBytes: 1_000_000 },
    );
    expect(seen).toEqual([false, false, false, false, false]);
    expect(done.created).toBe(true);
    expect(readFileSync(store.pathFor(key))).toEqual(bytes);

    const other = randomBytes(50_000);
    async function* breaksOff() {
      yield other.subarray(0, 20_000);
      throw new Error('client went away');
    }
    await expect(store.putStream(breaksOff(), { maxBytes: 1_000_000 })).rejects.toThrow('client went away');
    expect(await store.exists(sha256(other))).toBe(false);
    expect(await store.exists(sha256(other.subarray(0, 20_000)))).toBe(false);
    expect(publishedFiles(store)).toHaveLength(1);
    expect(tempFiles(store)).toEqual([]);
  });

  it('publishes one file when the same bytes arrive concurrently', async () => {
    const store = newStore();
    const bytes = randomBytes(300_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.putStream(chunked(bytes, 16 * 1024), { maxBytes: 1_000_000 })));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256(bytes)]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(publishedFiles(store)).toHaveLength(1);
    expect(tempFiles(store)).toEqual([]);
    expect(readFileSync(store.pathFor(sha256(bytes)))).toEqual(bytes);
  });

  it('turns no name into a path: anything but a sha256 key is refused', async () => {
    const store = newStore();
    const outside = path.join(base, 'outside.txt');
    writeFileSync(outside, 'keep me');
    const valid = sha256(Buffer.from('x'));
    const names = ['../outside.txt', '../../etc/passwd', `${valid}/../../../outside.txt`, valid.toUpperCase(), valid.slice(1), `${valid}\0`, '..%2Foutside.txt', '', '/etc/passwd'];
    for (const name of names) {
      expect(() => store.pathFor(name)).toThrow(InvalidBlobKeyError);
      await expect(store.get(name)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.exists(name)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(name)).rejects.toMatchObject({ code: 'KONA_ERR_NOT_FOUND', status: 404 });
    }
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
  });

  it('reports absent keys and deletes present ones', async () => {
    const store = newStore();
    const { sha256: key } = await store.putStream(Readable.from([Buffer.from('hello')]), { maxBytes: 100 });
    const absent = sha256(Buffer.from('nothing'));
    expect(await store.get(absent)).toBeUndefined();
    expect(await store.exists(absent)).toBe(false);
    expect(await text((await store.get(key))!.stream)).toBe('hello');
    expect(await store.delete(key)).toBe(true);
    expect(await store.delete(key)).toBe(false);
    expect(await store.exists(key)).toBe(false);
  });

  it('refuses text streams and nonsense limits', async () => {
    const store = newStore();
    await expect(store.putStream(Readable.from(['text'], { objectMode: true }) as AsyncIterable<Uint8Array>, { maxBytes: 100 })).rejects.toThrow(TypeError);
    await expect(store.putStream(Readable.from([Buffer.from('a')]), { maxBytes: -1 })).rejects.toThrow(RangeError);
    expect(tempFiles(store)).toEqual([]);
  });

  it('says whether it can take writes', async () => {
    expect(await newStore().health()).toEqual({ ok: true });
    const notADirectory = path.join(base, 'plain-file');
    writeFileSync(notADirectory, '');
    const broken = await new LocalBlobStore(path.join(notADirectory, 'uploads')).health();
    expect(broken).toEqual({ ok: false, error: expect.stringMatching(/plain-file\/uploads: cannot create the temp directory \(ENOTDIR\)/) });
  });

  it('sweeps partial uploads older than an hour by their mtime against the given now, keeping younger ones', async () => {
    const store = newStore();
    const now = Date.now();
    expect(await store.sweepTemp(now)).toEqual({ removed: 0, restored: 0 });
    await store.health();
    const old = path.join(store.root, '.tmp', `${randomUUID()}.part`);
    const fresh = path.join(store.root, '.tmp', `${randomUUID()}.part`);
    writeFileSync(old, 'killed mid-upload');
    writeFileSync(fresh, 'still being written');
    const twoHoursAgo = new Date(now - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    expect(await store.sweepTemp(now)).toEqual({ removed: 1, restored: 0 });
    expect(tempFiles(store)).toEqual([path.basename(fresh)]);
    // The same file is a leftover once the clock says an hour has passed.
    expect(await store.sweepTemp(now + staleTempAgeMs + 1000)).toEqual({ removed: 1, restored: 0 });
    expect(tempFiles(store)).toEqual([]);
  });

  it('puts back a blob a crashed release set aside long ago, rather than losing it', async () => {
    const store = newStore();
    const bytes = randomBytes(100);
    const { sha256: key } = await store.putStream(Readable.from([bytes]), { maxBytes: 1000 });
    const token = (await store.setAside(key))!;
    expect(await store.sweepTemp(Date.now())).toEqual({ removed: 0, restored: 0 });
    expect(await store.exists(key)).toBe(false);
    // The aside's age is its ctime (the rename), which no test can set back: the clock moves instead.
    expect(await store.sweepTemp(Date.now() + staleTempAgeMs + 1000)).toEqual({ removed: 0, restored: 1 });
    expect(await store.exists(key)).toBe(true);
    expect(tempFiles(store)).not.toContain(token);
  });

  it('keeps blobs owner-only (0600 files, 0700 folders) even under a permissive umask', async () => {
    const previous = process.umask(0o000);
    try {
      const store = newStore();
      const { sha256: key } = await store.putStream(Readable.from([randomBytes(100)]), { maxBytes: 1000 });
      const mode = (p: string) => statSync(p).mode & 0o777;
      expect(mode(store.pathFor(key)).toString(8)).toBe('600');
      for (const dir of [store.root, path.join(store.root, '.tmp'), path.dirname(store.pathFor(key)), path.dirname(path.dirname(store.pathFor(key)))]) {
        expect(mode(dir).toString(8), dir).toBe('700');
      }
      const token = (await store.setAside(key))!;
      rmSync(path.dirname(store.pathFor(key)), { recursive: true });
      await store.putBack(key, token);
      expect(mode(path.dirname(store.pathFor(key))).toString(8)).toBe('700');
      expect(mode(store.pathFor(key)).toString(8)).toBe('600');
    } finally {
      process.umask(previous);
    }
  });
});
