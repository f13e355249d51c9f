import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createJobRunner } from '../../apps/web.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { createLogger } from '../../platform/logging/logger.js';

describe.each(engines)('hub sign-in on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_LOGIN_MAX_PER_ACCOUNT: '3' });
    await t.addTenant('alpha');
  });
  afterAll(() => t.close());

  it('signs in with a new session id, reaches the dashboard, and signs out', async () => {
    const admin = await t.addStaff('alpha', 'admin');
    const b = new Browser(t.app);
    await b.get('/r/alpha/hub/sign-in');
    const res = await b.signIn('/r/alpha', admin.email, admin.password);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/r/alpha/hub');
    const cookie = res.cookies.find((c) => c.name === 'kona_sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/r/alpha/');
    const dash = await b.get('/r/alpha/hub');
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('Test admin');
    const again = await b.post('/r/alpha/hub/sign-in', { _csrf: await b.csrf('/r/alpha/hub'), email: admin.email, password: admin.password });
    expect(again.cookies.find((c) => c.name === 'kona_sid')!.value).not.toBe(cookie.value);
    const out = await b.submit('/r/alpha/hub', '/r/alpha/hub/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect((await b.get('/r/alpha/hub')).statusCode).toBe(303);
  });

  it('keeps the typed email and never echoes the password on failure', async () => {
    const b = new Browser(t.app);
    const res = await b.signIn('/r/alpha', 'nobody@example.org', 'wrong password here');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('value="nobody@example.org"');
    expect(res.body).not.toContain('wrong password here');
    expect(res.body).toContain('do not match');
  });

  it('rate-limits failed sign-ins per account with a clear message', async () => {
    const staff = await t.addStaff('alpha', 'staff');
    const b = new Browser(t.app);
    for (let i = 0; i < 3; i++) expect((await b.signIn('/r/alpha', staff.email, `bad password ${i}`)).statusCode).toBe(401);
    const limited = await b.signIn('/r/alpha', staff.email, staff.password);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('Too many failed sign-ins for this account');
  });

  it('changing the password ends the other sessions at once', async () => {
    const staff = await t.addStaff('alpha', 'staff');
    const phone = new Browser(t.app);
    const laptop = new Browser(t.app);
    await phone.signIn('/r/alpha', staff.email, staff.password);
    await laptop.signIn('/r/alpha', staff.email, staff.password);
    const changed = await laptop.submit('/r/alpha/hub/account/password', '/r/alpha/hub/account/password', {
      current: staff.password,
      password: 'a brand new long password',
      confirm: 'a brand new long password',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('Your password was changed');
    expect((await laptop.get('/r/alpha/hub')).statusCode).toBe(200);
    expect((await phone.get('/r/alpha/hub')).statusCode).toBe(303);
  });

  it('refuses a weak new password and says why', async () => {
    const staff = await t.addStaff('alpha', 'viewer');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', staff.email, staff.password);
    const res = await b.submit('/r/alpha/hub/account/password', '/r/alpha/hub/account/password', { current: staff.password, password: 'short', confirm: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('at least 12 characters');
  });
});

describe.each(engines)('the per-address sign-in limit across rescues on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_LOGIN_MAX_PER_ADDRESS: '4', KONA_LOGIN_MAX_PER_ACCOUNT: '3' });
    await t.addTenant('alpha');
    await t.addTenant('beta');
  });
  afterAll(() => t.close());

  it('counts one address over every rescue, while the account limit stays per rescue, and the hourly job prunes the shared rows', async () => {
    const alpha = await t.addStaff('alpha', 'staff');
    const beta = await t.addStaff('beta', 'staff');
    const b = new Browser(t.app);
    // Two failures at each rescue: under the limit of 4 at either, but 4 from this address in all.
    for (const [slug, who] of [['/r/alpha', alpha], ['/r/beta', beta], ['/r/alpha', alpha], ['/r/beta', beta]] as const) {
      expect((await b.signIn(slug, who.email, 'not the password')).statusCode).toBe(401);
    }
    for (const [slug, who] of [['/r/alpha', alpha], ['/r/beta', beta]] as const) {
      const limited = await b.signIn(slug, who.email, who.password);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('900');
      expect(limited.body).toContain('Too many failed sign-ins from your network');
    }
    // Addresses stay hashed on the control plane too; only the rescue is named there.
    const control = t.rt.ctx.control.kysely;
    const shared = await control.selectFrom('login_attempts').select(['account_key', 'address_key', 'succeeded']).execute();
    expect(shared.map((r) => r.account_key).sort()).toEqual(['rescue:alpha', 'rescue:alpha', 'rescue:beta', 'rescue:beta']);
    expect(shared.every((r) => /^[0-9a-f]{64}$/.test(r.address_key) && !r.succeeded)).toBe(true);
    expect(JSON.stringify(shared)).not.toContain('127.0.0.1');
    // Keyed: a plain sha256 of the address (reversible by hashing every IPv4 address) is not stored.
    const plain = createHash('sha256').update('addr:127.0.0.1').digest('hex');
    expect(shared.some((r) => r.address_key === plain)).toBe(false);

    // A day later the job prunes the shared rows, and the address may try again.
    await control.updateTable('login_attempts').set({ at: new Date(Date.now() - 2 * 86_400_000) }).execute();
    for (const slug of ['alpha', 'beta']) {
      const db = (await t.rt.ctx.tenants.get(slug))!.db.kysely;
      await db.updateTable('login_attempts').set({ at: new Date(Date.now() - 2 * 86_400_000) }).execute();
    }
    await enqueueJob(t.rt.ctx.control, t.rt.jobs, 'maintenance.prune-login-attempts', {});
    await (await createJobRunner(t.rt, createLogger('silent'))).runOnce();
    expect(await control.selectFrom('login_attempts').select('id').execute()).toEqual([]);
    expect((await b.signIn('/r/beta', beta.email, beta.password)).statusCode).toBe(303);
  });

  it('keeps the account limit per rescue: the same email at another rescue is another account', async () => {
    const email = 'shared.person@example.org';
    const one = await t.addStaff('alpha', 'staff', { email });
    const two = await t.addStaff('beta', 'staff', { email });
    const b = new Browser(t.app);
    for (let i = 0; i < 3; i++) expect((await b.signIn('/r/alpha', one.email, `bad ${i}`)).statusCode).toBe(401);
    expect((await b.signIn('/r/alpha', one.email, one.password)).body).toContain('Too many failed sign-ins for this account');
    expect((await b.signIn('/r/beta', two.email, two.password)).statusCode).toBe(303);
  });
});
