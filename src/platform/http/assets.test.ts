import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/harness/app.js';
import { Assets } from './assets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-assets-'));
// Every public/ has Kona's icon; Assets reads it at start.
writeFileSync(path.join(dir, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Assets', () => {
  it('serves fingerprinted files with immutable caching and 304s', async () => {
    writeFileSync(path.join(dir, 'site.css'), 'body { color: black }');
    const assets = new Assets(dir);
    const url = assets.url('site.css');
    expect(url).toMatch(/^\/assets\/site\.[0-9a-f]{12}\.css$/);
    const app = Fastify();
    assets.register(app);
    const res = await app.inject(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toContain('text/css');
    const again = await app.inject({ url, headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject('/assets/site.000000000000.css')).statusCode).toBe(404);
    await app.close();
  });

  it('keeps its own content types and answers only known fingerprints', async () => {
    writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'notes.txt'), 'not an asset');
    const assets = new Assets(dir);
    const app = Fastify();
    assets.register(app);
    const res = await app.inject(assets.url('app.js'));
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toBe('console.log(1)');
    expect(res.headers.etag).toBeTruthy();
    expect(() => assets.url('notes.txt')).toThrow();
    expect((await app.inject('/assets/notes.txt')).statusCode).toBe(404);
    expect((await app.inject('/assets/..%2Fnotes.txt')).statusCode).toBe(404);
    await app.close();
  });

  it('changes the URL when the content changes', () => {
    writeFileSync(path.join(dir, 'a.css'), 'a{}');
    const before = new Assets(dir).url('a.css');
    writeFileSync(path.join(dir, 'a.css'), 'a{color:red}');
    expect(new Assets(dir).url('a.css')).not.toBe(before);
  });
});

describe('assets in the web app', () => {
  it('keep their caching and content type under the server\'s hooks (which default to no-store)', async () => {
    const t = await createTestApp('embedded');
    try {
      const url = t.app.kona.assets.url('kona.css');
      const res = await t.app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect((await t.app.inject({ url, headers: { 'if-none-match': String(res.headers.etag) } })).statusCode).toBe(304);
      expect((await t.app.inject({ method: 'HEAD', url })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
