import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsForm } from '../../src/features/settings/settings.testing.js';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';
import type { TenantSchema } from '../../src/platform/db/schema.js';
import { insertAdoptableDog } from '../../src/features/adoptions/apply.testing.js';
import { multipartBody } from '../../src/features/photos/photos.testing.js';

// Issue 13: a NUL in a text field was a 500 (PostgreSQL refuses 0x00 in text) that lost the form.
const fieldMessage = 'had an invisible control character';
const controls = [['NUL', '\u0000'], ['SOH', '\u0001'], ['ESC', '\u001b']] as const;

describe.each(engines)('control characters at the edge on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let dogId: string;
  const count = async (table: 'dogs' | 'vaccinations' | 'contacts' | 'applications' | 'medical_documents') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const post = async (url: string, pageUrl: string, form: Record<string, string>) => admin.post(url, { _csrf: await admin.csrf(pageUrl), ...form });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    dogId = await insertAdoptableDog(db, 'Bella');
  });
  afterAll(() => t.close());

  describe.each(controls)('a %s typed into a hub form', (_name, c) => {
    it('the dog form answers 400 naming the field, keeps what was typed and saves nothing', async () => {
      const before = await count('dogs');
      const res = await post('/r/alpha/hub/dogs', '/r/alpha/hub/dogs/new', { name: `Bis${c}cuit`, sex: 'female', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', colour: 'tan' });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('value="Biscuit"');
      expect(res.body).toContain('value="tan"');
      expect(res.body).toMatch(new RegExp(`id="f-name-error">${fieldMessage}`));
      expect(res.body).not.toContain(c);
      expect(await count('dogs')).toBe(before);
    });

    it('a medical form (multi-line notes) answers 400 and records nothing', async () => {
      const before = await count('vaccinations');
      const res = await post(`/r/alpha/hub/dogs/${dogId}/vaccinations`, `/r/alpha/hub/dogs/${dogId}/medical`, { type: 'rabies', label: 'Nobivac', given_on: '2024-03-02', notes: `first line\nsecond${c} line` });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(fieldMessage);
      expect(res.body).toContain('value="Nobivac"');
      expect(res.body).toContain('first line\nsecond line');
      expect(await count('vaccinations')).toBe(before);
    });

    it('the people form answers 400 and keeps the typed contact', async () => {
      const before = await count('contacts');
      const res = await post('/r/alpha/hub/people', '/r/alpha/hub/people/new', { name: 'Kept Name', email: 'kept@example.org', phone: `0770${c}0 900001`, address: 'Kept Address', roles: 'adopter' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(fieldMessage);
      expect(res.body).toContain('value="Kept Name"');
      expect(res.body).toContain('value="07700 900001"');
      expect(await count('contacts')).toBe(before);
    });

    it('the settings form answers 400 and changes nothing', async () => {
      const res = await post('/r/alpha/hub/settings', '/r/alpha/hub/settings', settingsForm({ tagline: `Sofas${c} for all` }));
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(fieldMessage);
      expect(res.body).toContain('Sofas for all');
      expect((await db.selectFrom('rescue_settings').select('tagline').executeTakeFirst())?.tagline ?? '').not.toContain('Sofas');
    });

    it('the public application form answers 400 and keeps the answers', async () => {
      const visitor = new Browser(t.app);
      const page = await visitor.get(`/r/alpha/dogs/${dogId}/apply`);
      const key = /name="idempotency_key" value="([0-9a-f-]{36})"/.exec(page.body)![1]!;
      const before = await count('applications');
      const res = await visitor.post(`/r/alpha/dogs/${dogId}/apply`, { _csrf: csrfFrom(page.body), idempotency_key: key, name: 'Ada Applicant', email: 'ada@example.org', phone: '07700 900001', address: `1 Garden${c} Row` });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(fieldMessage);
      expect(res.body).toContain('value="Ada Applicant"');
      expect(res.body).toContain('1 Garden Row');
      expect(await count('applications')).toBe(before);
    });

    it('a multipart text field (a document title) answers 400 and attaches nothing', async () => {
      const before = await count('medical_documents');
      const token = csrfFrom((await admin.get(`/r/alpha/hub/dogs/${dogId}/medical`)).body);
      const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'title', value: `Rabies${c} certificate` }, { name: 'document', filename: 'cert.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n') }]);
      const cookie = Object.entries(admin.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dogId}/documents`, payload, headers: { 'content-type': contentType, cookie } });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(fieldMessage);
      expect(res.body).toContain('value="Rabies certificate"');
      expect(await count('medical_documents')).toBe(before);
    });
  });

  it('refuses a JSON body with a control character as problem+json naming the field', async () => {
    const before = await count('dogs');
    const res = await t.app.inject({
      method: 'POST',
      url: '/r/alpha/hub/dogs',
      headers: { accept: 'application/json', cookie: Object.entries(admin.cookies()).map(([k, v]) => `${k}=${v}`).join('; ') },
      payload: { name: 'Bis\u0000cuit', sex: 'female', notes: { inner: ['ok', 'b\u0001d'] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'KONA_ERR_VALIDATION', errors: { name: 'contains a control character', 'notes.inner.1': 'contains a control character' } });
    expect(await count('dogs')).toBe(before);
  });

  it.each([
    ['a query value on a hub page', '/r/alpha/hub/dogs?q=%00'],
    ['a query value on the public listing', '/r/alpha/?size=%01'],
    ['a query value at the operator', '/operator/sign-in?next=%00'],
    ['the rescue slug', '/r/al%00pha/'],
    ['a record id', '/r/alpha/hub/dogs/%00'],
    ['a public dog id', '/r/alpha/dogs/abc%00def'],
  ])('answers %s holding a control character with 400 or 404, never 500', async (_what, url) => {
    const res = await admin.get(url);
    expect([400, 404]).toContain(res.statusCode);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('keeps tab, newline and carriage return: they are text', async () => {
    const res = await post(`/r/alpha/hub/dogs/${dogId}/vaccinations`, `/r/alpha/hub/dogs/${dogId}/medical`, { type: 'rabies', label: 'Nobivac', given_on: '2024-03-02', notes: 'one\ttab\r\ntwo lines' });
    expect(res.statusCode).toBe(303);
  });
});
