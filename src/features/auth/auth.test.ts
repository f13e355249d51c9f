import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';

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
