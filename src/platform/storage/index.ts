export { assertBlobKey, formatBytes, InvalidBlobKeyError, isBlobKey, TooLargeError } from './blob-store.js';
export type { BlobRead, BlobStore, PutResult, StorageHealth } from './blob-store.js';
export { LocalBlobStore } from './local-blob-store.js';
export { ensureStored, releaseBlobs } from './release.js';
export type { BlobReferenceCheck, ReleaseResult } from './release.js';
export { readLimited } from './read-limited.js';
export { blobDirMode, blobFileMode } from './local-blob-store.js';
