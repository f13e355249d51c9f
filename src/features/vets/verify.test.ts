import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { listAudit } from '../../platform/audit/audit.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { vetCookie } from '../../platform/http/sessions.js';
import { createOperator } from '../operator/operator.public.js';
import { vetEmailHash } from './vets.keys.js';
import { addTestVet, vetSessionFor, type TestVet } from './vets.testing.js';

const password = 'a vet password, long enough';

describe.each(engines)('verifying vets on %s', (engine) => {
  let t: TestApp;
  let op: Browser;
  let operatorId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    const ops = await createOperator(t.rt.ctx.control.kysely, 'vet-ops', { type: 'system' });
    operatorId = ops.id;
    op = new Browser(t.app);
    expect((await op.submit('/operator/sign-in', '/operator/sign-in', { username: ops.username, password: ops.password })).statusCode).toBe(303);
  });
  afterAll(() => t.close());

  const control = () => t.rt.ctx.control.kysely;
  const ring = () => t.rt.ctx.secrets.keyRing;
  const vetBrowser = async (vetId: string) => {
    const b = new Browser(t.app);
    b.setCookie(vetCookie(t.rt.ctx.config).name, await vetSessionFor(control(), vetId));
    return b;
  };
  const signIn = (b: Browser, email: string) => b.submit('/vet/sign-in', '/vet/sign-in', { email, password });
  async function mailsTo(to: string) {
    const jobs = await control().selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').execute();
    return jobs.map((j) => openMail(j.payload as unknown as SealedMail, ring())).filter((m) => m.to === to);
  }
  /** Audit rows about a vet hold ids and a status only: none of what the vet typed. */
  function expectNoPii(rows: unknown[], vet: TestVet) {
    const text = JSON.stringify(rows);
    for (const pii of [vet.name, vet.email, vet.licence, vet.clinic]) expect(text).not.toContain(pii);
  }

  it('registers through the form, shows the vet to the operator as pending, and the operator verifies them', async () => {
    const tag = randomBytes(4).toString('hex');
    const vet = { name: `Dr Pending ${tag}`, clinic: 'Bay Clinic', licence: `REG-${tag}`, email: `pending-${tag}@clinic.example`, password, confirm: password, area: 'Bayside' };
    const b = new Browser(t.app);
    expect((await b.submit('/vet/register', '/vet/register', vet)).statusCode).toBe(303);
    const { id } = await control().selectFrom('vets').select('id').where('email_hash', '=', vetEmailHash(ring(), vet.email)).executeTakeFirstOrThrow();

    const list = await op.get('/operator/vets');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/operator/vets"');
    expect(list.body).toContain(`<th scope="row">${vet.name}</th>`);
    expect(list.body).toContain(`<code>${vet.licence}</code>`);
    expect(list.body).toContain('Bayside');
    expect(list.body).toMatch(/1 vet is waiting|vets are waiting/);
    // Pending vets come first.
    await addTestVet(control(), ring(), { status: 'verified', name: `Dr Later ${tag}` });
    const again = (await op.get('/operator/vets')).body;
    expect(again.indexOf(vet.name)).toBeLessThan(again.indexOf(`Dr Later ${tag}`));

    const res = await op.submit('/operator/vets', `/operator/vets/${id}/verify`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/operator/vets?done=verify');
    expect((await op.get('/operator/vets?done=verify')).body).toContain('The vet was verified');
    const row = await control().selectFrom('vets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'verified', decided_by_type: 'operator', decided_by_id: operatorId, decided_by_tenant: null });
    const [mail] = await mailsTo(vet.email);
    expect(mail!.subject).toBe('Your Kona vet account is verified');

    // The session from registering now belongs to a verified vet; a fresh sign-in goes to /vet.
    expect((await b.get('/vet/account')).body).toContain('Your account is verified');
    const fresh = new Browser(t.app);
    expect((await signIn(fresh, vet.email)).headers.location).toBe('/vet');
    const audit = await control().selectFrom('audit_log').selectAll().where('target_id', '=', id).execute();
    expect(audit.find((a) => a.action === 'vet.verified')).toMatchObject({ actor_type: 'operator', actor_id: operatorId, tenant_slug: null });
    expectNoPii(audit, { id, ...vet });
    // A second decision on a decided vet is refused, and the page says so.
    const twice = await op.submit('/operator/vets', `/operator/vets/${id}/reject`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('is verified now');
  });

  it('lets an admin of any rescue verify a pending vet for all of Kona, audited in both logs', async () => {
    const vet = await addTestVet(control(), ring(), { status: 'pending', password });
    const admin = await signedInStaff(t, 'alpha', 'admin');
    const page = await admin.browser.get('/r/alpha/hub/vets');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/r/alpha/hub/vets"');
    expect(page.body).toContain(`<th scope="row">${vet.name}</th>`);
    expect(page.body).not.toContain(vet.email);
    const res = await admin.browser.submit('/r/alpha/hub/vets', `/r/alpha/hub/vets/${vet.id}/verify`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/r/alpha/hub/vets?done=verify');
    const after = await admin.browser.get('/r/alpha/hub/vets?done=verify');
    expect(after.body).toContain('The vet was verified');
    expect(after.body).not.toContain(`<th scope="row">${vet.name}</th>`);
    const row = await control().selectFrom('vets').selectAll().where('id', '=', vet.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'verified', decided_by_type: 'staff', decided_by_id: admin.id, decided_by_tenant: 'alpha' });

    const controlAudit = await control().selectFrom('audit_log').selectAll().where('target_id', '=', vet.id).where('action', '=', 'vet.verified').execute();
    expect(controlAudit).toHaveLength(1);
    expect(controlAudit[0]).toMatchObject({ actor_type: 'staff', actor_id: admin.id, tenant_slug: 'alpha' });
    const tenantAudit = (await listAudit((await t.rt.ctx.tenants.get('alpha'))!.db.kysely, 20)).filter((a) => a.target_id === vet.id);
    expect(tenantAudit.map((a) => a.action)).toEqual(['vet.verified']);
    expect(tenantAudit[0]).toMatchObject({ actor_type: 'staff', actor_id: admin.id });
    expectNoPii([...controlAudit, ...tenantAudit], vet);
    expect(await mailsTo(vet.email)).toHaveLength(1);
    expect((await signIn(new Browser(t.app), vet.email)).headers.location).toBe('/vet');
  });

  it('keeps the hub page to admins, and the hub to verify and reject only', async () => {
    const vet = await addTestVet(control(), ring(), { status: 'pending' });
    const staff = await signedInStaff(t, 'alpha', 'staff');
    expect((await staff.browser.get('/r/alpha/hub/vets')).statusCode).toBe(403);
    const hub = await staff.browser.get('/r/alpha/hub');
    expect(hub.body).not.toContain('href="/r/alpha/hub/vets"');
    expect((await staff.browser.post(`/r/alpha/hub/vets/${vet.id}/verify`, { _csrf: await staff.browser.csrf('/r/alpha/hub') })).statusCode).toBe(403);
    const admin = await signedInStaff(t, 'alpha', 'admin');
    expect((await admin.browser.submit('/r/alpha/hub/vets', `/r/alpha/hub/vets/${vet.id}/disable`, {})).statusCode).toBe(404);
    expect((await admin.browser.post(`/r/alpha/hub/vets/${vet.id}/verify`, {})).statusCode).toBe(403); // no CSRF token
    expect((await admin.browser.submit('/r/alpha/hub/vets', '/r/alpha/hub/vets/not-a-uuid/verify', {})).statusCode).toBe(404);
    expect((await admin.browser.submit('/r/alpha/hub/vets', `/r/alpha/hub/vets/${randomUUID()}/verify`, {})).statusCode).toBe(404);
    expect((await control().selectFrom('vets').select('status').where('id', '=', vet.id).executeTakeFirstOrThrow()).status).toBe('pending');
  });

  it('rejects a pending vet: signed out at once, cannot sign in, emailed', async () => {
    const vet = await addTestVet(control(), ring(), { status: 'pending', password });
    const b = await vetBrowser(vet.id);
    expect((await b.get('/vet/account')).statusCode).toBe(200);
    const admin = await signedInStaff(t, 'alpha', 'admin');
    expect((await admin.browser.submit('/r/alpha/hub/vets', `/r/alpha/hub/vets/${vet.id}/reject`, {})).statusCode).toBe(303);
    expect(await control().selectFrom('vet_sessions').select('token_hash').where('vet_id', '=', vet.id).execute()).toHaveLength(0);
    expect((await b.get('/vet/account')).statusCode).toBe(303);
    expect((await signIn(new Browser(t.app), vet.email)).statusCode).toBe(401);
    expect((await mailsTo(vet.email))[0]!.subject).toBe('Your Kona vet account was not verified');
    const tenantAudit = (await listAudit((await t.rt.ctx.tenants.get('alpha'))!.db.kysely, 50)).filter((a) => a.target_id === vet.id);
    expect(tenantAudit.map((a) => a.action)).toEqual(['vet.rejected']);
  });

  it('disables a verified vet (every session ends) and re-enables them', async () => {
    const vet = await addTestVet(control(), ring(), { password });
    const one = await vetBrowser(vet.id);
    const two = await vetBrowser(vet.id);
    expect((await one.get('/vet/account')).statusCode).toBe(200);
    const list = (await op.get('/operator/vets')).body;
    expect(list).toContain(`aria-label="Disable ${vet.name}"`);
    expect((await op.submit('/operator/vets', `/operator/vets/${vet.id}/disable`, {})).statusCode).toBe(303);
    expect((await one.get('/vet/account')).statusCode).toBe(303);
    expect((await two.get('/vet/account')).statusCode).toBe(303);
    expect((await signIn(new Browser(t.app), vet.email)).statusCode).toBe(401);
    expect((await op.get('/operator/vets')).body).toContain(`aria-label="Re-enable ${vet.name}"`);
    expect((await op.submit('/operator/vets', `/operator/vets/${vet.id}/enable`, {})).statusCode).toBe(303);
    expect((await signIn(new Browser(t.app), vet.email)).headers.location).toBe('/vet');
    expect((await mailsTo(vet.email)).map((m) => m.subject)).toEqual(['Your Kona vet account is enabled again', 'Your Kona vet account was disabled']);
    const audit = await control().selectFrom('audit_log').selectAll().where('target_id', '=', vet.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['vet.disabled', 'vet.enabled']));
    expectNoPii(audit, vet);
  });

  it('keeps the operator page to operators, and their decisions to a CSRF token', async () => {
    const vet = await addTestVet(control(), ring(), { status: 'pending' });
    expect((await new Browser(t.app).get('/operator/vets')).headers.location).toBe('/operator/sign-in?next=%2Foperator%2Fvets');
    const asVet = await vetBrowser(vet.id);
    expect((await asVet.get('/operator/vets')).statusCode).toBe(303);
    expect((await op.post(`/operator/vets/${vet.id}/verify`, {})).statusCode).toBe(403);
    expect((await control().selectFrom('vets').select('status').where('id', '=', vet.id).executeTakeFirstOrThrow()).status).toBe('pending');
  });
});
