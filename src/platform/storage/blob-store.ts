import type { Readable } from 'node:stream';
import { KonaError } from '../errors/errors.js';

/** What a put stored: the sha256 of the bytes (their key), their size, and whether they were new. */
export interface PutResult {
  sha256: string;
  size: number;
  created: boolean;
}

/** A stored blob opened for reading. */
export interface BlobRead {
  stream: Readable;
  size: number;
}

/** Outcome of a storage health check; the error names the root and the failing step, for the log. */
export type StorageHealth = { ok: true } | { ok: false; error: string };

/**
 * Content-addressed storage (the adapter behind uploads): a blob's key is the sha256 of its bytes,
 * so identical uploads are stored once. Deleting is only safe once nothing references the key.
 */
export interface BlobStore {
  /** Streams bytes in, refusing more than `maxBytes` while reading (`TooLargeError`). */
  putStream(source: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<PutResult>;
  /** Opens a blob for reading; undefined when there is none under that key. */
  get(key: string): Promise<BlobRead | undefined>;
  /** Whether a blob is stored under that key. */
  exists(key: string): Promise<boolean>;
  /** Removes a blob; false when there was none. */
  delete(key: string): Promise<boolean>;
  /**
   * Moves a blob out of its published name (atomically, on the same file system) and returns a
   * token for `putBack` or `discard`; undefined when there was none. See `releaseBlobs`.
   */
  setAside(key: string): Promise<string | undefined>;
  /** Puts a set-aside blob back under its key; if the same bytes were stored again meanwhile, drops the aside copy. */
  putBack(key: string, token: string): Promise<void>;
  /** Removes a set-aside blob for good. */
  discard(token: string): Promise<void>;
  /** Whether the store can take writes now (for /readyz and start-up). */
  health(): Promise<StorageHealth>;
}

const keyPattern = /^[0-9a-f]{64}$/;

/** Whether a string is a blob key: 64 lower-case hex digits and nothing else. */
export function isBlobKey(key: unknown): key is string {
  return typeof key === 'string' && keyPattern.test(key);
}

/** Thrown for a key that is not a sha256: to a client that name simply does not exist. */
export class InvalidBlobKeyError extends KonaError {
  constructor() {
    super('KONA_ERR_NOT_FOUND', 'That file does not exist or was removed.');
    this.name = 'InvalidBlobKeyError';
  }
}

/** Narrows a key, throwing `InvalidBlobKeyError` for anything that is not a sha256 hex digest. */
export function assertBlobKey(key: unknown): asserts key is string {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError();
}

/** Thrown as soon as an upload passes its size limit; nothing of it is kept. */
export class TooLargeError extends KonaError {
  constructor(readonly maxBytes: number) {
    super('KONA_ERR_PAYLOAD_TOO_LARGE', `The file is larger than the ${formatBytes(maxBytes)} limit. Choose a smaller file (or export it at a lower resolution) and upload it again.`);
    this.name = 'TooLargeError';
  }
}

/** A byte count as a person reads it: 20 MB, 512 KB, 900 bytes. */
export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  const kb = bytes / 1024;
  return kb >= 1 ? `${Number(kb.toFixed(1))} KB` : `${bytes} bytes`;
}
