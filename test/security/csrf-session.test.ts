import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock/clock.testing.js';
import { hashToken, tenantCookie } from '../../src/platform/http/sessions.js';
import { Browser, createTestApp, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';

const SLUG = 'hosted';
const HOST = 'rescue.example.org';
const NEW_PASSWORD = 'a different long password';

describe.each(engines)('CSRF and sessions on %s', (engine) => {
  let t: TestApp;
  let sid: string;
  // Sessions are judged by this clock; the tests age a session by moving its times against it.
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    // An idle timeout of one minute so the test can age a session past it; absolute stays 12 h.
    // An https public URL turns on Secure, prefixed cookies, as in production.
    t = await createTestApp(engine, { KONA_SESSION_IDLE_MINUTES: '1', KONA_SESSION_ABSOLUTE_HOURS: '12', KONA_PUBLIC_URL: 'https://kona.example.org' }, { clock });
    // One rescue, reached both on its own hostname and by path on the shared host.
    await t.addTenant(SLUG, 'Hosted rescue', [HOST]);
    sid = tenantCookie(t.rt.ctx.config, `/r/${SLUG}`).name;
  });
  afterAll(() => t?.close());

  const db = async () => (await t.rt.ctx.tenants.get(SLUG))!.db.kysely;
  const base = `/r/${SLUG}`;

  async function signedIn(role: 'admin' | 'staff' = 'staff') {
    const who = await t.addStaff(SLUG, role);
    const browser = new Browser(t.app);
    expect((await browser.signIn(base, who.email, who.password)).statusCode).toBe(303);
    return { who, browser, hash: hashToken(browser.cookies()[sid]!) };
  }

  const passwordForm = (current: string) => ({ current, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
  const canSignIn = async (email: string, password: string) => (await new Browser(t.app).signIn(base, email, password)).statusCode === 303;

  it('refuses a POST without a CSRF token and changes nothing', async () => {
    const { who, browser } = await signedIn();
    const res = await browser.post(`${base}/hub/account/password`, passwordForm(who.password));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('nothing was changed');
    expect(await canSignIn(who.email, who.password)).toBe(true);
    expect((await browser.get(`${base}/hub`)).statusCode).toBe(200);
  });

  it('refuses a token from another browser\'s session, even for the same person', async () => {
    const { who, browser: laptop } = await signedIn();
    const phone = new Browser(t.app);
    await phone.signIn(base, who.email, who.password);
    const phoneToken = await phone.csrf(`${base}/hub/account/password`);
    const res = await laptop.post(`${base}/hub/account/password`, { _csrf: phoneToken, ...passwordForm(who.password) });
    expect(res.statusCode).toBe(403);
    // An anonymous visitor's token is no good once signed in either.
    const stranger = new Browser(t.app);
    const anonToken = await stranger.csrf(`${base}/hub/sign-in`);
    expect((await laptop.post(`${base}/hub/account/password`, { _csrf: anonToken, ...passwordForm(who.password) })).statusCode).toBe(403);
    expect(await canSignIn(who.email, who.password)).toBe(true);
  });

  it('never changes state on GET: no sign-out by link, no password change by query', async () => {
    const { who, browser, hash } = await signedIn();
    expect((await browser.get(`${base}/hub/sign-out`)).statusCode).toBe(404);
    const query = new URLSearchParams(passwordForm(who.password)).toString();
    expect((await browser.get(`${base}/hub/account/password?${query}`)).statusCode).toBe(200);
    expect(await (await db()).selectFrom('sessions').select('token_hash').where('token_hash', '=', hash).executeTakeFirst()).toBeDefined();
    expect((await browser.get(`${base}/hub`)).statusCode).toBe(200);
    expect(await canSignIn(who.email, who.password)).toBe(true);
  });

  it('ends a session idle for longer than the idle timeout and deletes it', async () => {
    const { browser, hash } = await signedIn();
    await (await db()).updateTable('sessions').set({ last_seen_at: new Date(clock.now() - 2 * 60_000) }).where('token_hash', '=', hash).execute();
    const res = await browser.get(`${base}/hub`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}/hub/sign-in?next=${encodeURIComponent(`${base}/hub`)}`);
    expect(await (await db()).selectFrom('sessions').select('token_hash').where('token_hash', '=', hash).executeTakeFirst()).toBeUndefined();
  });

  it('keeps an active session alive within the idle timeout', async () => {
    const { browser, hash } = await signedIn();
    await (await db()).updateTable('sessions').set({ last_seen_at: new Date(clock.now() - 50_000) }).where('token_hash', '=', hash).execute();
    expect((await browser.get(`${base}/hub`)).statusCode).toBe(200);
    // That request restarted the idle clock: an active person is not signed out a few seconds later.
    const row = await (await db()).selectFrom('sessions').select('last_seen_at').where('token_hash', '=', hash).executeTakeFirstOrThrow();
    expect(row.last_seen_at.getTime()).toBe(clock.now());
  });

  it('ends a session older than the absolute timeout, however active', async () => {
    const { browser, hash } = await signedIn();
    await (await db()).updateTable('sessions').set({ created_at: new Date(clock.now() - 13 * 3_600_000), last_seen_at: new Date(clock.now()) }).where('token_hash', '=', hash).execute();
    expect((await browser.get(`${base}/hub`)).statusCode).toBe(303);
    expect(await (await db()).selectFrom('sessions').select('token_hash').where('token_hash', '=', hash).executeTakeFirst()).toBeUndefined();
  });

  it('signs a disabled account out at once, even if its sessions were not ended', async () => {
    const { who, browser, hash } = await signedIn();
    // Straight in the database, bypassing disableStaff (which also ends sessions): the session loader must check.
    await (await db()).updateTable('staff').set({ status: 'disabled' }).where('id', '=', who.id).execute();
    expect((await browser.get(`${base}/hub`)).statusCode).toBe(303);
    expect(await (await db()).selectFrom('sessions').select('token_hash').where('token_hash', '=', hash).executeTakeFirst()).toBeUndefined();
    expect(await canSignIn(who.email, who.password)).toBe(false);
  });

  it('signs a disabled account out when an admin disables it through the staff page', async () => {
    const { browser: admin } = await signedIn('admin');
    const { who, browser: victim } = await signedIn('staff');
    const res = await admin.submit(`${base}/hub/staff`, `${base}/hub/staff/${who.id}/disable`, {});
    expect(res.statusCode).toBeLessThan(400);
    expect((await victim.get(`${base}/hub`)).statusCode).toBe(303);
  });

  it('on https, uses a __Host- session cookie with Path=/ on the rescue\'s own hostname', async () => {
    const who = await t.addStaff(SLUG, 'staff');
    const b = new Browser(t.app, HOST);
    const res = await b.signIn('', who.email, who.password);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/hub');
    const cookie = res.cookies.find((c) => c.name.endsWith('kona_sid'))!;
    expect(cookie.name).toBe('__Host-kona_sid');
    expect(cookie).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
    expect((cookie as { domain?: string }).domain).toBeUndefined();
    expect((await b.get('/hub')).statusCode).toBe(200);
  });

  it('on https, uses a __Secure- session cookie scoped to /r/<slug>/ on the shared host', async () => {
    const who = await t.addStaff(SLUG, 'viewer');
    const b = new Browser(t.app);
    const res = await b.signIn(base, who.email, who.password);
    expect(res.statusCode).toBe(303);
    const cookie = res.cookies.find((c) => c.name.endsWith('kona_sid'))!;
    expect(cookie.name).toBe('__Secure-kona_sid');
    expect(cookie).toMatchObject({ secure: true, path: `${base}/`, httpOnly: true, sameSite: 'Lax' });
    expect((await b.get(`${base}/hub`)).statusCode).toBe(200);
    // The pre-session (CSRF) cookie is secure too.
    const pre = (await new Browser(t.app).get(`${base}/hub/sign-in`)).cookies.find((c) => c.name.endsWith('kona_csrf'))!;
    expect(pre).toMatchObject({ name: '__Host-kona_csrf', secure: true, path: '/' });
  });
});
