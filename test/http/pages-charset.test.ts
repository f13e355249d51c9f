import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';
import { insertAdoptableDog } from '../../src/features/adoptions/apply.testing.js';

// Issue 13: pages went out as bare text/html, leaving the browser to guess their encoding.
describe.each(engines)('every page declares UTF-8 on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let dogId: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Ålpha Rescue', ['alpha.test']);
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'admin'));
    dogId = await insertAdoptableDog((await t.rt.ctx.tenants.get('alpha'))!.db.kysely, 'Zoë');
  });
  afterAll(() => t.close());

  it.each([
    ['the landing page', '/', 200],
    ['the public listing', '/r/alpha/', 200],
    ['the public listing on the rescue\'s hostname', 'host:/', 200],
    ['a public dog page', '/r/alpha/dogs/:dog', 200],
    ['the application form', '/r/alpha/dogs/:dog/apply', 200],
    ['the embed', '/r/alpha/embed', 200],
    ['the hub sign-in', '/r/alpha/hub/sign-in', 200],
    ['the operator sign-in', '/operator/sign-in', 200],
    ['a missing page at the root', '/no-such-page', 404],
    ['a missing page under a rescue', '/r/alpha/no-such-page', 404],
    ['an unknown rescue', '/r/nobody/', 404],
  ])('%s', async (_what, url, status) => {
    const onHost = url.startsWith('host:');
    const res = await t.app.inject({ url: url.replace('host:', '').replace(':dog', dogId), headers: onHost ? { host: 'alpha.test' } : {} });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it.each([
    ['the dashboard', '/r/alpha/hub'],
    ['the dog list', '/r/alpha/hub/dogs'],
    ['the hub dog page', '/r/alpha/hub/dogs/:dog'],
    ['the settings', '/r/alpha/hub/settings'],
    ['the audit log', '/r/alpha/hub/audit'],
    ['the people list', '/r/alpha/hub/people'],
  ])('hub: %s', async (_what, url) => {
    const res = await staff.get(url.replace(':dog', dogId));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('a rejected form re-shown with 400', async () => {
    const res = await staff.post('/r/alpha/hub/settings', { _csrf: await staff.csrf('/r/alpha/hub/settings'), name: '   ' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});
