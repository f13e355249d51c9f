import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../errors/errors.js';
import { assertBlobKey, type BlobStore } from '../storage/blob-store.js';

/** Photos are immutable under their hash: browsers and an edge cache may keep them thirty days. */
export const publicBlobCacheControl = 'public, max-age=2592000, immutable';

const publicImageTypes = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif']);
const documentTypes = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);
const generatedName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What to send: the blob's key, the type to send it as, and the store that holds it. */
export interface ServeOptions {
  store: BlobStore;
  key: string;
  contentType: string;
  /**
   * The caller has just read a database row that references `key` (blobs are removed only once no
   * row references them): a revalidation is then answered 304 without touching the disk. A full
   * answer still reads the file and 404s when it is gone.
   */
  referenced?: boolean;
}

/**
 * Sends a public photo variant with thirty-day immutable caching, a strong ETag (its sha256) and
 * 304 when the client holds it. Never an original: originals keep their EXIF, GPS included.
 */
export async function serveBlob(request: FastifyRequest, reply: FastifyReply, { store, key, contentType, referenced }: ServeOptions): Promise<FastifyReply> {
  assertBlobKey(key);
  const etag = `"${key}"`;
  // A photo that was removed must not be revalidated back to life: without a referencing row the
  // file itself is checked.
  if (ifNoneMatch(request.headers['if-none-match'], etag)) {
    if (!referenced && !(await store.exists(key))) throw notFound('That photo');
    return cacheable(reply, etag).code(304).send();
  }
  const blob = await store.get(key);
  if (!blob) throw notFound('That photo');
  const type = publicImageTypes.has(contentType) ? contentType : 'application/octet-stream';
  return cacheable(reply, etag).type(type).header('content-length', blob.size).send(blob.stream);
}

function cacheable(reply: FastifyReply, etag: string): FastifyReply {
  return reply.header('cache-control', publicBlobCacheControl).header('etag', etag).header('x-content-type-options', 'nosniff');
}

/**
 * Sends a private document as a download: never cached, never rendered inline (HTML and SVG go out
 * as application/octet-stream), under a name Kona generated, never the uploader's.
 */
export async function serveDocument(reply: FastifyReply, { store, key, contentType, filename }: ServeOptions & { filename: string }): Promise<FastifyReply> {
  if (!generatedName.test(filename)) throw new Error(`serveDocument needs a generated file name (letters, digits, . _ -), got ${JSON.stringify(filename)}`);
  assertBlobKey(key);
  const blob = await store.get(key);
  if (!blob) throw notFound('That document');
  return reply
    .type(documentTypes.has(contentType) ? contentType : 'application/octet-stream')
    .header('content-length', blob.size)
    .header('cache-control', 'private, no-store')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('x-content-type-options', 'nosniff')
    // Should a browser open it anyway (a PDF viewer tab), scripts in it run nowhere.
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(blob.stream);
}

// If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x", and * matches anything.
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
