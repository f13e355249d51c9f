import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { listAudit } from '../../platform/audit/audit.js';
import { createOperator } from './operator.service.js';
import { safeOperatorNext } from './operator.schema.js';

/** Signs an operator in through the form, as a browser would. */
function signIn(b: Browser, username: string, password: string, extra: Record<string, string> = {}) {
  return b.submit('/operator/sign-in', '/operator/sign-in', { username, password, ...extra });
}

describe('safeOperatorNext', () => {
  it('keeps paths inside the console and sends everything else home', () => {
    expect(safeOperatorNext('/operator?changed=alpha')).toBe('/operator?changed=alpha');
    expect(safeOperatorNext('/operator/tenants')).toBe('/operator/tenants');
    for (const bad of [undefined, '', '//evil.example', 'https://evil.example/operator', '/operatorx', '/r/alpha/hub', '/operator/sign-in', '/operator/\\evil']) {
      expect(safeOperatorNext(bad)).toBe('/operator');
    }
  });
});

describe.each(engines)('operator console on %s', (engine) => {
  let t: TestApp;
  let ops: { id: string; username: string; password: string };
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_LOGIN_MAX_PER_ACCOUNT: '3' });
    await t.addTenant('alpha', 'Alpha Rescue');
    ops = await createOperator(t.rt.ctx.control.kysely, 'ops', { type: 'system' });
  });
  afterAll(() => t.close());

  it('sends an anonymous visitor to sign-in, then signs in with a new session id and signs out', async () => {
    const b = new Browser(t.app);
    const anonymous = await b.get('/operator');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/operator/sign-in?next=%2Foperator');
    const form = await b.get('/operator/sign-in?next=%2Foperator');
    expect(form.body).toContain('<label for="f-username">Username</label>');
    expect(form.body).toContain('autocomplete="current-password"');
    const res = await signIn(b, ops.username, ops.password, { next: '/operator' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/operator');
    const cookie = res.cookies.find((c) => c.name === 'kona_op')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const home = await b.get('/operator');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<th scope="row">Alpha Rescue</th>');
    expect(home.body).toMatch(/<td>embedded<\/td>|<td>postgres<\/td>/);
    expect(home.body).toContain('href="/r/alpha/"');
    expect((await b.get('/operator/')).statusCode).toBe(200); // the scope's prefix serves both spellings
    expect((await b.get('/operator/sign-in')).headers.location).toBe('/operator');
    const again = await b.post('/operator/sign-in', { _csrf: await b.csrf('/operator'), username: 'OPS', password: ops.password });
    expect(again.cookies.find((c) => c.name === 'kona_op')!.value).not.toBe(cookie.value);
    const out = await b.submit('/operator', '/operator/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/operator/sign-in?signedOut=1');
    expect((await b.get('/operator')).statusCode).toBe(303);
    const old = await t.app.inject({ url: '/operator', cookies: { kona_op: cookie.value } });
    expect(old.statusCode).toBe(303);
  });

  it('answers a wrong password or an unknown username the same way, keeping the username', async () => {
    const b = new Browser(t.app);
    for (const [username, password] of [[ops.username, 'not the password at all'], ['nobody', 'not the password at all']] as const) {
      const res = await signIn(b, username, password);
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain(`value="${username}"`);
      expect(res.body).not.toContain(password);
      expect(res.body).toContain('That username and password do not match an active operator account.');
    }
    const empty = await signIn(b, '', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('aria-invalid="true"');
  });

  it('rate-limits failed sign-ins per operator account, counted on the control plane', async () => {
    const other = await createOperator(t.rt.ctx.control.kysely, 'ops-two', { type: 'system' });
    const b = new Browser(t.app);
    for (let i = 0; i < 3; i++) expect((await signIn(b, other.username, `bad password ${i}`)).statusCode).toBe(401);
    const limited = await signIn(b, other.username, other.password);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('900');
    expect(limited.body).toContain('Too many failed sign-ins for this account');
    expect(limited.body).toContain('value="ops-two"');
  });

  it('never lets a staff session into the console', async () => {
    const admin = await t.addStaff('alpha', 'admin');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', admin.email, admin.password);
    const staffToken = b.cookies().kona_sid!;
    expect(staffToken).toBeDefined();
    expect((await b.get('/operator')).statusCode).toBe(303);
    // Even a staff token presented as the operator cookie is not an operator session.
    const forged = await t.app.inject({ url: '/operator', cookies: { kona_sid: staffToken, kona_op: staffToken } });
    expect(forged.statusCode).toBe(303);
    const action = await b.submit('/operator/sign-in', '/operator/tenants/alpha/disable', {});
    expect(action.statusCode).toBe(401);
    expect((await t.app.inject({ url: '/r/alpha/' })).statusCode).toBe(200);
  });

  it('refuses a console action without its CSRF token', async () => {
    const b = new Browser(t.app);
    await signIn(b, ops.username, ops.password);
    const res = await b.post('/operator/tenants/alpha/disable', {});
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/r/alpha/' })).statusCode).toBe(200);
  });

  it('disables a rescue (site and hub answer 410, audited) and enables it again', async () => {
    const staff = await t.addStaff('alpha', 'staff');
    const member = new Browser(t.app);
    await member.signIn('/r/alpha', staff.email, staff.password);
    expect((await member.get('/r/alpha/hub')).statusCode).toBe(200);
    const op = new Browser(t.app);
    await signIn(op, ops.username, ops.password);

    const off = await op.submit('/operator', '/operator/tenants/alpha/disable', {});
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe('/operator?changed=alpha');
    const after = await op.get('/operator?changed=alpha');
    expect(after.body).toContain('Alpha Rescue (alpha) is switched off');
    expect(after.body).toContain('aria-label="Enable Alpha Rescue"');
    expect((await t.app.inject({ url: '/r/alpha/' })).statusCode).toBe(410);
    expect((await member.get('/r/alpha/hub')).statusCode).toBe(410);
    expect((await new Browser(t.app).get('/r/alpha/hub/sign-in')).statusCode).toBe(410);
    const audit = await listAudit(t.rt.ctx.control.kysely, 10);
    expect(audit.find((e) => e.action === 'tenant.disabled')).toMatchObject({ actor_type: 'operator', actor_id: ops.id, target_id: 'alpha' });

    const on = await op.submit('/operator', '/operator/tenants/alpha/enable', {});
    expect(on.statusCode).toBe(303);
    expect((await op.get('/operator?changed=alpha')).body).toContain('Alpha Rescue (alpha) is switched on');
    expect((await t.app.inject({ url: '/r/alpha/' })).statusCode).toBe(200);
    expect((await member.get('/r/alpha/hub')).statusCode).toBe(200);
    expect((await listAudit(t.rt.ctx.control.kysely, 10)).some((e) => e.action === 'tenant.enabled' && e.actor_id === ops.id)).toBe(true);
  });

  it('answers 404 for a rescue that does not exist', async () => {
    const op = new Browser(t.app);
    await signIn(op, ops.username, ops.password);
    expect((await op.submit('/operator', '/operator/tenants/no-such-rescue/disable', {})).statusCode).toBe(404);
    expect((await op.submit('/operator', '/operator/tenants/Not_A_Slug/disable', {})).statusCode).toBe(404);
  });
});
