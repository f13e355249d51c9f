import { createHash, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { assertBlobKey, InvalidBlobKeyError, TooLargeError, type BlobRead, type BlobStore, type PutResult, type StorageHealth } from './blob-store.js';

const tempDirName = '.tmp';
const asidePattern = /^([0-9a-f]{64})\.[0-9a-f-]{36}\.aside$/;

/** Blobs hold originals with their full camera metadata (GPS included): readable by the owner only. */
export const blobFileMode = 0o600;
/** Store folders: only the owner may list or enter them. */
export const blobDirMode = 0o700;
/**
 * How old a temp file must be before a sweep touches it: an upload in progress writes to its file
 * all the time (and its request would have timed out long before), so an hour-old one is a leftover.
 */
export const staleTempAgeMs = 60 * 60 * 1000;

/** What a sweep of a temp directory did. */
export interface SweepResult {
  /** Partial uploads and health probes removed. */
  removed: number;
  /** Blobs a crashed release had set aside, put back under their key. */
  restored: number;
}

/**
 * Blobs as files under one directory (an NFS mount in production), at `<root>/<aa>/<bb>/<sha256>`.
 * Uploads stream into `<root>/.tmp/` (the same file system, so publishing is atomic) and appear
 * under their final name only complete and fsynced. Files are 0600 and folders 0700 whatever the
 * process umask: originals keep their camera metadata, GPS included, and are never served publicly.
 */
export class LocalBlobStore implements BlobStore {
  readonly root: string;
  private readonly tempDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.tempDir = path.join(this.root, tempDirName);
  }

  /** The file of a key; throws `InvalidBlobKeyError` for anything but a sha256, so no name becomes a path. */
  pathFor(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  /** Streams into a temp file while hashing and counting, then publishes it under its sha256. */
  async putStream(source: AsyncIterable<Uint8Array>, { maxBytes }: { maxBytes: number }): Promise<PutResult> {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a whole number of bytes, got ${maxBytes}`);
    await makePrivateDir(this.tempDir);
    const temp = path.join(this.tempDir, `${randomUUID()}.part`);
    const file = await open(temp, 'wx', blobFileMode);
    try {
      // open()'s mode passes through the umask; fchmod does not. The published name is a link to this inode.
      await file.chmod(blobFileMode);
      const { sha256, size } = await copyCounted(source, file, maxBytes);
      await file.sync();
      await file.close();
      return { sha256, size, created: await this.publish(temp, sha256) };
    } finally {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }

  /** Opens a blob as a stream with its size; undefined when absent. */
  async get(key: string): Promise<BlobRead | undefined> {
    const file = await open(this.pathFor(key), 'r').catch(ifMissing(undefined));
    if (!file) return undefined;
    try {
      const { size } = await file.stat();
      return { stream: file.createReadStream(), size };
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Whether the key is stored. */
  async exists(key: string): Promise<boolean> {
    return stat(this.pathFor(key)).then(() => true, ifMissing(false));
  }

  /** Removes a blob; false when it was not there. */
  async delete(key: string): Promise<boolean> {
    return unlink(this.pathFor(key)).then(() => true, ifMissing(false));
  }

  /** Renames the blob into the temp directory (`<key>.<uuid>.aside`); undefined when it was not there. */
  async setAside(key: string): Promise<string | undefined> {
    const from = this.pathFor(key);
    const token = `${key}.${randomUUID()}.aside`;
    await makePrivateDir(this.tempDir);
    return rename(from, path.join(this.tempDir, token)).then(() => token, ifMissing(undefined));
  }

  /** Links the set-aside file back under its key (EEXIST: an upload stored the bytes again), then drops the aside name. */
  async putBack(key: string, token: string): Promise<void> {
    const aside = this.asidePath(token, key);
    const final = this.pathFor(key);
    await makePrivateDir(path.dirname(final));
    await link(aside, final).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await rm(aside, { force: true });
  }

  /** Removes a set-aside file. */
  async discard(token: string): Promise<void> {
    await rm(this.asidePath(token), { force: true });
  }

  // Only tokens setAside made name a file: anything else is refused before it becomes a path.
  private asidePath(token: string, key?: string): string {
    const match = asidePattern.exec(token);
    if (!match || (key !== undefined && match[1] !== key)) throw new InvalidBlobKeyError();
    return path.join(this.tempDir, token);
  }

  /** Writes, fsyncs, links and removes a probe file: the same steps a put takes, so a broken mount shows here first. */
  async health(): Promise<StorageHealth> {
    let step = 'create the temp directory';
    const probe = path.join(this.tempDir, `health-${randomUUID()}`);
    try {
      await makePrivateDir(this.tempDir);
      step = 'write a file';
      const file = await open(probe, 'wx', blobFileMode);
      try {
        await file.writeFile('ok');
        await file.sync();
      } finally {
        await file.close();
      }
      step = 'link a file';
      await link(probe, `${probe}.linked`);
      step = 'remove a file';
      await Promise.all([unlink(probe), unlink(`${probe}.linked`)]);
      return { ok: true };
    } catch (err) {
      await Promise.all([rm(probe, { force: true }), rm(`${probe}.linked`, { force: true })]).catch(() => undefined);
      return { ok: false, error: `storage root ${this.root}: cannot ${step} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
  }

  /**
   * Clears what a crash left in the temp directory, judged against `now` (the caller's clock):
   * partial uploads and health probes last written more than `maxAgeMs` ago are removed. A blob set
   * aside that long ago belonged to a release that died before deciding, so whether it is still
   * referenced is unknown: it is put back under its key (at worst an unreferenced blob stays).
   */
  async sweepTemp(now: number, maxAgeMs = staleTempAgeMs): Promise<SweepResult> {
    const names = await readdir(this.tempDir).catch(ifMissing([] as string[]));
    const cutoff = now - maxAgeMs;
    const result: SweepResult = { removed: 0, restored: 0 };
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      const info = await stat(file).catch(ifMissing(undefined));
      if (!info?.isFile()) continue;
      const aside = asidePattern.exec(name);
      if (aside) {
        // A rename keeps the blob's old mtime; its ctime is when it was set aside.
        if (info.ctimeMs >= cutoff) continue;
        await this.putBack(aside[1]!, name);
        result.restored++;
      } else if (info.mtimeMs < cutoff) {
        await rm(file, { force: true });
        result.removed++;
      }
    }
    return result;
  }

  // link() rather than rename(): it is just as atomic but never replaces an existing file, so of
  // several concurrent puts of the same bytes exactly one reports `created`.
  private async publish(temp: string, sha256: string): Promise<boolean> {
    const final = this.pathFor(sha256);
    await makePrivateDir(path.dirname(final));
    try {
      await link(temp, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    await syncDirectory(path.dirname(final));
    return true;
  }
}

// Counts before writing, so the temp file never holds more than maxBytes; throwing out of the loop
// destroys the source, which stops reading the upload.
async function copyCounted(source: AsyncIterable<Uint8Array>, file: FileHandle, maxBytes: number): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('putStream needs a byte stream (Buffer or Uint8Array chunks), not text');
    size += chunk.byteLength;
    if (size > maxBytes) throw new TooLargeError(maxBytes);
    hash.update(chunk);
    await file.write(chunk);
  }
  return { sha256: hash.digest('hex'), size };
}

/** Creates a folder and any missing parents as 0700; chmod, because mkdir's mode passes through the umask. */
async function makePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: blobDirMode });
  if (first === undefined) return;
  for (let at = dir; ; at = path.dirname(at)) {
    await chmod(at, blobDirMode);
    if (at === first || at === path.dirname(at)) break;
  }
}

// Makes the new directory entry durable too, not only the file's bytes.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems cannot fsync a directory; the file itself is already synced.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

function ifMissing<T>(value: T): (err: unknown) => T {
  return (err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return value;
    throw err;
  };
}
