export { assertBlobKey, formatBytes, InvalidBlobKeyError, isBlobKey, TooLargeError } from './blob-store.js';
export type { BlobRead, BlobStore, PutResult, StorageHealth } from './blob-store.js';
export { LocalBlobStore } from './local-blob-store.js';
