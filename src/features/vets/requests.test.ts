import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { vetCookie } from '../../platform/http/sessions.js';
import { signCandidateRef } from './search.ref.js';
import { addTestVet, vetSessionFor, type TestVet } from './vets.testing.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

describe.each(engines)('vet access requests on %s', (engine) => {
  let t: TestApp;
  const clock = new ManualClock(Date.now());
  const dbOf = async (slug: string) => (await t.rt.ctx.tenants.get(slug))!.db.kysely as Kysely<TenantSchema>;
  const control = () => t.rt.ctx.control.kysely;
  const dogs: Record<string, string> = {};
  const staff: Record<string, Browser> = {};
  let vet: TestVet;
  let vetB: Browser;

  async function addRescue(slug: string, names: string[], chipBase: number) {
    await t.addTenant(slug, `${slug[0]!.toUpperCase()}${slug.slice(1)} Rescue`);
    staff[slug] = (await signedInStaff(t, slug, 'admin')).browser;
    for (const [i, name] of names.entries()) {
      const res = await staff[slug].post(`/r/${slug}/hub/dogs`, { _csrf: await staff[slug].csrf(`/r/${slug}/hub/dogs`), name, sex: 'male', size: 'small', intake_date: '2026-03-01', intake_type: 'stray' });
      dogs[name] = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
      await (await dbOf(slug)).updateTable('dogs').set({ microchip: String(chipBase + i) }).where('id', '=', dogs[name]).execute();
    }
  }
  const vetBrowser = async (v: TestVet) => {
    const b = new Browser(t.app);
    b.setCookie(vetCookie(t.rt.ctx.config).name, await vetSessionFor(control(), v.id));
    return b;
  };
  /** The reference a search by microchip gives this vet for its one result. */
  async function refFor(b: Browser, chip: string): Promise<string> {
    const res = await b.post('/vet/search', { _csrf: await b.csrf('/vet/search'), microchip: chip });
    return decodeURIComponent(/\/vet\/requests\/new\?ref=([^"]+)"/.exec(res.body)![1]!.replace(/&amp;/g, '&'));
  }
  async function ask(b: Browser, ref: string, reason: string) {
    return b.post('/vet/requests', { _csrf: await b.csrf('/vet'), ref, reason });
  }

  beforeAll(async () => {
    t = await createTestApp(engine, {}, { clock });
    await addRescue('alpha', ['Biscuit', 'Pepper', 'Mochi'], 900000000001);
    await addRescue('beta', ['Juno'], 900000000101);
    vet = await addTestVet(control(), t.rt.ctx.secrets.keyRing, { name: 'Dr Ada Vet', clinic: 'Harbour Vets', area: 'Harbour Town' });
    vetB = await vetBrowser(vet);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a request is stored encrypted, notifies the rescue\u2019s staff, is audited in both logs, and asking again finds it', async () => {
    const ref = await refFor(vetB, '900000000001');
    const form = await vetB.get(`/vet/requests/new?ref=${encodeURIComponent(ref)}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Ask Alpha Rescue for access to Biscuit');
    const empty = await ask(vetB, ref, '   ');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('is required');
    const res = await ask(vetB, ref, 'Presented with a limp; need vaccination history.');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/vet?done=sent');
    const rows = await control().selectFrom('vet_access_requests').selectAll().where('vet_id', '=', vet.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant_slug: 'alpha', dog_id: dogs.Biscuit, status: 'pending' });
    expect(JSON.stringify(rows)).not.toContain('limp');
    const db = await dbOf('alpha');
    const notes = await db.selectFrom('notifications').select(['title', 'link']).where('kind', '=', 'vet.request').execute();
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]).toMatchObject({ title: "A vet asks for access to Biscuit's medical record", link: `/hub/vet-requests/${rows[0]!.id}` });
    const ctl = await control().selectFrom('audit_log').select(['actor_type', 'actor_id', 'tenant_slug', 'detail']).where('action', '=', 'vet.request').execute();
    expect(ctl).toEqual([{ actor_type: 'vet', actor_id: vet.id, tenant_slug: 'alpha', detail: { dogId: dogs.Biscuit, fields: ['reason'] } }]);
    expect(await db.selectFrom('audit_log').select('actor_type').where('action', '=', 'vet.request').execute()).toEqual([{ actor_type: 'vet' }]);
    expect((await staff.alpha!.get('/r/alpha/hub')).body).toContain('1 vet access request waiting for a decision');
    const again = await ask(vetB, ref, 'Asking twice.');
    expect(again.headers.location).toBe('/vet?done=pending');
    expect(await control().selectFrom('vet_access_requests').select('id').where('vet_id', '=', vet.id).execute()).toHaveLength(1);
    const home = await vetB.get('/vet?done=sent');
    expect(home.body).toContain('Your request was sent.');
    expect(home.body).toContain('Biscuit');
    expect(home.body).toContain('Waiting for the rescue');
  });

  it('a forged, altered, expired or another vet\u2019s reference gets the same 403', async () => {
    const ref = await refFor(vetB, '900000000002');
    const other = await addTestVet(control(), t.rt.ctx.secrets.keyRing);
    const otherB = await vetBrowser(other);
    const secret = t.rt.ctx.secrets.sessionSecret;
    const forgedBody = signCandidateRef('not-the-secret', vet.id, 'alpha', dogs.Pepper!, clock.now());
    const [body, sig] = ref.split('.') as [string, string];
    const swapped = Buffer.from(JSON.stringify(['beta', dogs.Juno, JSON.parse(Buffer.from(body, 'base64url').toString())[2]])).toString('base64url');
    const cases: [string, Browser, string][] = [
      ['another vet\u2019s', otherB, ref], ['forged', vetB, forgedBody], ['altered', vetB, `${swapped}.${sig}`], ['garbage', vetB, 'x'.repeat(60)],
    ];
    const wording = 'This link is not valid for your account, or it has expired.';
    for (const [what, b, r] of cases) {
      const res = await ask(b, r, 'Please.');
      expect({ what, status: res.statusCode }).toEqual({ what, status: 403 });
      expect(res.body, what).toContain(wording);
      expect((await b.get(`/vet/requests/new?ref=${encodeURIComponent(r)}`)).statusCode).toBe(403);
    }
    // Signed properly a day and more ago: expired (sessions are judged by the same clock, so it is not moved).
    const late = await ask(vetB, signCandidateRef(secret, vet.id, 'alpha', dogs.Pepper!, clock.now() - 24 * 3_600_000 - 1), 'Too late.');
    expect(late.statusCode).toBe(403);
    expect(late.body).toContain(wording);
    expect(await control().selectFrom('vet_access_requests').select('id').where('dog_id', '=', dogs.Pepper!).execute()).toHaveLength(0);
  });

  it('the hub lists the rescue\u2019s requests only; another rescue can neither see nor decide them', async () => {
    const id = (await control().selectFrom('vet_access_requests').select('id').where('dog_id', '=', dogs.Biscuit!).executeTakeFirstOrThrow()).id;
    const list = await staff.alpha!.get('/r/alpha/hub/vet-requests');
    expect(list.statusCode).toBe(200);
    for (const text of ['Dr Ada Vet', 'Harbour Vets, Harbour Town', vet.licence, 'Verified', 'Biscuit', 'need vaccination history', `/r/alpha/hub/dogs/${dogs.Biscuit}`]) expect(list.body).toContain(text);
    expect((await staff.alpha!.get('/r/alpha/hub')).body).toContain('/r/alpha/hub/vet-requests');
    expect((await staff.beta!.get('/r/beta/hub/vet-requests')).body).not.toContain('Dr Ada Vet');
    expect((await staff.beta!.get(`/r/beta/hub/vet-requests/${id}`)).statusCode).toBe(404);
    for (const action of ['approve', 'deny', 'revoke']) {
      const res = await staff.beta!.post(`/r/beta/hub/vet-requests/${id}/${action}`, { _csrf: await staff.beta!.csrf('/r/beta/hub/vet-requests'), days: '30', reason: 'x' });
      expect({ action, status: res.statusCode }).toEqual({ action, status: 404 });
    }
    expect((await control().selectFrom('vet_access_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('pending');
    const viewer = (await signedInStaff(t, 'alpha', 'viewer')).browser;
    expect((await viewer.get('/r/alpha/hub/vet-requests')).statusCode).toBe(403);
  });

  it('approve (for days), revoke and deny from the hub: each audited, the vet emailed, the home page updated', async () => {
    const id = (await control().selectFrom('vet_access_requests').select('id').where('dog_id', '=', dogs.Biscuit!).executeTakeFirstOrThrow()).id;
    const page = `/r/alpha/hub/vet-requests/${id}`;
    const a = staff.alpha!;
    const bad = await a.post(`${page}/approve`, { _csrf: await a.csrf(page), days: '400' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="400"');
    expect(bad.body).toContain('from 1 to 365');
    expect((await a.post(`${page}/approve`, { _csrf: await a.csrf(page), days: '10' })).statusCode).toBe(303);
    const approved = await control().selectFrom('vet_access_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(approved.status).toBe('approved');
    expect(approved.expires_at!.getTime()).toBe(clock.now() + 10 * 86_400_000);
    const detail = await a.get(`${page}?done=approved`);
    expect(detail.body).toContain(`/r/alpha/hub/vet-grants/${id}`);
    expect((await vetB.get('/vet')).body).toContain(`href="/vet/access/${id}"`);
    // A decided request cannot be decided again.
    expect((await a.post(`${page}/deny`, { _csrf: await a.csrf(page), reason: 'Changed our mind' })).statusCode).toBe(409);
    expect((await a.post(`${page}/revoke`, { _csrf: await a.csrf(page), reason: '' })).statusCode).toBe(303);
    expect((await control().selectFrom('vet_access_requests').select(['status', 'revoked_at']).where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('revoked');
    const home = (await vetB.get('/vet')).body;
    expect(home).not.toContain(`/vet/access/${id}`);
    expect(home).toContain('Access ended by the rescue');
    // Deny needs a reason, kept encrypted; the vet is told it by email.
    const mochi = await ask(vetB, await refFor(vetB, '900000000003'), 'Routine check.');
    expect(mochi.statusCode).toBe(303);
    const second = (await control().selectFrom('vet_access_requests').select('id').where('dog_id', '=', dogs.Mochi!).executeTakeFirstOrThrow()).id;
    const p2 = `/r/alpha/hub/vet-requests/${second}`;
    expect((await a.post(`${p2}/deny`, { _csrf: await a.csrf(p2), reason: '' })).statusCode).toBe(400);
    expect((await a.post(`${p2}/deny`, { _csrf: await a.csrf(p2), reason: 'We use another clinic for Mochi.' })).statusCode).toBe(303);
    const denied = await control().selectFrom('vet_access_requests').selectAll().where('id', '=', second).executeTakeFirstOrThrow();
    expect(denied.status).toBe('denied');
    expect(t.rt.ctx.secrets.keyRing.decrypt(denied.decision_reason_enc!)).toBe('We use another clinic for Mochi.');
    const actions = (await control().selectFrom('audit_log').select('action').where('tenant_slug', '=', 'alpha').where('action', 'like', 'vet.request_%').orderBy('id').execute()).map((r) => r.action);
    expect(actions).toEqual(['vet.request_approved', 'vet.request_revoked', 'vet.request_denied']);
    const tenantActions = (await (await dbOf('alpha')).selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'vet.request_%').orderBy('id').execute());
    expect(tenantActions.map((r) => r.action)).toEqual(actions);
    expect(JSON.stringify(tenantActions)).not.toContain('another clinic');
    const mail = await (await dbOf('alpha')).selectFrom('jobs').select('payload').where('name', '=', 'mail.send').execute();
    expect(mail).toHaveLength(3);
    expect(JSON.stringify(mail)).not.toContain(vet.email);
  });

  it('bad ids and bodies never give a 5xx', async () => {
    const a = staff.alpha!;
    const token = await a.csrf('/r/alpha/hub/vet-requests');
    for (const path of ['/r/alpha/hub/vet-requests/not-a-uuid', '/r/alpha/hub/vet-requests/00000000-0000-0000-0000-000000000000']) {
      expect((await a.get(path)).statusCode).toBe(404);
      expect((await a.post(`${path}/approve`, { _csrf: token, days: 'x' })).statusCode).toBe(404);
    }
    const id = (await control().selectFrom('vet_access_requests').select('id').where('dog_id', '=', dogs.Mochi!).executeTakeFirstOrThrow()).id;
    expect((await a.post(`/r/alpha/hub/vet-requests/${id}/revoke`, { _csrf: token, reason: 'x'.repeat(3000) })).statusCode).toBe(400);
    expect((await vetB.post('/vet/requests', { _csrf: await vetB.csrf('/vet') })).statusCode).toBe(400);
    const long = await vetB.post('/vet/requests', { _csrf: await vetB.csrf('/vet'), ref: await refFor(vetB, '900000000101'), reason: `Kept ${'y'.repeat(2001)}` });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('must be at most 2,000 characters');
    expect(long.body).toContain('Kept yyy');
    expect((await vetB.get('/vet/requests/new')).statusCode).toBe(303);
    const bad = await a.post('/r/alpha/hub/settings/vet-search', { _csrf: token, vet_search: 'maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('choose whether verified vets may find your dogs');
  });
});
