import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { Assets } from './assets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-assets-'));
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

  it('changes the URL when the content changes', () => {
    writeFileSync(path.join(dir, 'a.css'), 'a{}');
    const before = new Assets(dir).url('a.css');
    writeFileSync(path.join(dir, 'a.css'), 'a{color:red}');
    expect(new Assets(dir).url('a.css')).not.toBe(before);
  });
});
