import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';

// Issue 13: /favicon.ico was a 404 on every page.
const kona = readFileSync(new URL('../../public/favicon.ico', import.meta.url));

describe.each(engines)('the site icon on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue', ['alpha.test']);
  });
  afterAll(() => t.close());

  it.each([
    ['at the root', '/favicon.ico', undefined],
    ['under a rescue', '/r/alpha/favicon.ico', undefined],
    ['on a rescue\'s own hostname', '/favicon.ico', 'alpha.test'],
  ])('is served %s as a cacheable image, with a 304 for a browser that has it', async (_where, url, host) => {
    const headers = host ? { host } : {};
    const res = await t.app.inject({ url, headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\//);
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    expect(res.rawPayload.equals(kona)).toBe(true);
    const again = await t.app.inject({ url, headers: { ...headers, 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('is a 404 page under a rescue that does not exist', async () => {
    expect((await t.app.inject('/r/nobody/favicon.ico')).statusCode).toBe(404);
  });

  it('is linked from every page, the rescue\'s own inside its site', async () => {
    expect((await t.app.inject('/')).body).toContain('<link rel="icon" href="/favicon.ico"/>');
    expect((await t.app.inject('/operator/sign-in')).body).toContain('<link rel="icon" href="/favicon.ico"/>');
    expect((await t.app.inject('/r/alpha/')).body).toContain('<link rel="icon" href="/r/alpha/favicon.ico"/>');
    expect((await t.app.inject('/r/alpha/no-such-page')).body).toContain('<link rel="icon" href="/r/alpha/favicon.ico"/>');
    expect((await t.app.inject({ url: '/', headers: { host: 'alpha.test' } })).body).toContain('<link rel="icon" href="/favicon.ico"/>');
    const { browser } = await signedInStaff(t, 'alpha', 'staff');
    expect((await browser.get('/r/alpha/hub')).body).toContain('<link rel="icon" href="/r/alpha/favicon.ico"/>');
  });
});
