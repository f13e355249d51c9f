import { TooLargeError } from './blob-store.js';

/**
 * Reads a byte stream into memory, refusing it (`TooLargeError`) as soon as it passes `maxBytes`:
 * counted before each chunk is kept, so at most the limit is ever held, and nothing reaches disk.
 */
export async function readLimited(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('readLimited needs a byte stream (Buffer or Uint8Array chunks), not text');
    size += chunk.byteLength;
    if (size > maxBytes) throw new TooLargeError(maxBytes);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}
