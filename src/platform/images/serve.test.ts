import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../storage/local-blob-store.js';
import { samplePhoto } from './sample-images.testing.js';
import { serveBlob, serveDocument } from './serve.js';
import { makeVariants } from './variants.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-serve-'));
const store = new LocalBlobStore(dir);
let app: FastifyInstance;
let photo: { key: string; bytes: Buffer };

const put = async (bytes: Buffer) => (await store.putStream(Readable.from([bytes]), { maxBytes: 10_000_000 })).sha256;

beforeAll(async () => {
  const thumbnail = (await makeVariants(await samplePhoto({ width: 640, height: 480 })))[0]!;
  photo = { key: await put(thumbnail.data), bytes: thumbnail.data };
  app = Fastify();
  app.get<{ Params: { key: string } }>('/photos/:key', (request, reply) => serveBlob(request, reply, { store, key: request.params.key, contentType: 'image/webp' }));
  app.get<{ Params: { key: string }; Querystring: { type: string } }>('/documents/:key', (request, reply) =>
    serveDocument(reply, { store, key: request.params.key, contentType: request.query.type, filename: 'vet-record-2025-03-01.pdf' }),
  );
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveBlob', () => {
  it('sends a photo with immutable caching and its hash as a strong ETag, then 304s', async () => {
    const first = await app.inject(`/photos/${photo.key}`);
    expect(first.statusCode).toBe(200);
    expect(first.rawPayload).toEqual(photo.bytes);
    expect(first.headers).toMatchObject({
      'content-type': 'image/webp',
      'content-length': String(photo.bytes.length),
      'cache-control': 'public, max-age=2592000, immutable',
      etag: `"${photo.key}"`,
      'x-content-type-options': 'nosniff',
    });

    const again = await app.inject({ url: `/photos/${photo.key}`, headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers).toMatchObject({ etag: `"${photo.key}"`, 'cache-control': 'public, max-age=2592000, immutable' });
    expect(again.headers['content-length']).toBeUndefined();

    const head = await app.inject({ method: 'HEAD', url: `/photos/${photo.key}` });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(photo.bytes.length));
    expect(head.rawPayload.length).toBe(0);
  });

  it('revalidates weak, listed and wildcard ETags, and sends the photo for a stale one', async () => {
    for (const tag of [`W/"${photo.key}"`, `"other", "${photo.key}"`, '*']) {
      expect((await app.inject({ url: `/photos/${photo.key}`, headers: { 'if-none-match': tag } })).statusCode).toBe(304);
    }
    expect((await app.inject({ url: `/photos/${photo.key}`, headers: { 'if-none-match': '"0000"' } })).statusCode).toBe(200);
  });

  it('answers 404 for unknown keys, removed photos and names that are not keys', async () => {
    const gone = await put(Buffer.from('soon removed'));
    await store.delete(gone);
    const unknown = await app.inject(`/photos/${'0'.repeat(64)}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers.etag).toBeUndefined();
    expect(unknown.headers['cache-control']).toBeUndefined();
    expect((await app.inject({ url: `/photos/${gone}`, headers: { 'if-none-match': `"${gone}"` } })).statusCode).toBe(404);
    expect((await app.inject(`/photos/..%2F..%2Fetc%2Fpasswd`)).statusCode).toBe(404);
    expect((await app.inject(`/photos/${photo.key.toUpperCase()}`)).statusCode).toBe(404);
  });
});

describe('serveDocument', () => {
  it('sends a private download under the generated name, never cached', async () => {
    const key = await put(Buffer.from('%PDF-1.7\n%%EOF\n'));
    const res = await app.inject(`/documents/${key}?type=application/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': '15',
      'cache-control': 'private, no-store',
      'content-disposition': 'attachment; filename="vet-record-2025-03-01.pdf"',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    expect(res.headers.etag).toBeUndefined();
  });

  it('never sends HTML or SVG as themselves', async () => {
    const key = await put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    for (const type of ['text/html', 'image/svg+xml', 'text/xml', 'application/xhtml+xml']) {
      const res = await app.inject(`/documents/${key}?type=${encodeURIComponent(type)}`);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    }
    expect((await app.inject(`/documents/${key}?type=image/png`)).headers['content-type']).toBe('image/png');
  });

  it('refuses a file name that was not generated', async () => {
    const key = await put(Buffer.from('x'));
    const reply = {} as never;
    for (const filename of ['../../etc/passwd', 'a"; filename*=x.html', 'report.pdf\r\nSet-Cookie: a=b', '', '.hidden']) {
      await expect(serveDocument(reply, { store, key, contentType: 'application/pdf', filename })).rejects.toThrow(/generated file name/);
    }
  });
});
