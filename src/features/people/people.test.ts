import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addContactRole, likelyDuplicates, readContact, upsertApplicantContact } from './people.public.js';

const idFrom = (location: string | undefined) => /\/hub\/people\/([0-9a-f-]{36})\?saved=1$/.exec(location ?? '')![1]!;

describe.each(engines)('people (contact records) on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  let viewer: Browser;
  let foster: Browser;
  const base = '/r/alpha/hub';
  const csrf = (b: Browser) => b.csrf(`${base}/people`);
  const namesIn = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
  const search = async (b: Browser, form: Record<string, string>) => b.post(`${base}/people/search`, { _csrf: await csrf(b), ...form });
  const create = async (form: Record<string, string | string[]>) =>
    staff.post(`${base}/people`, { _csrf: await csrf(staff), ...form } as Record<string, string>);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    ({ browser: foster } = await signedInStaff(t, 'alpha', 'foster'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
  });
  afterAll(() => t.close());

  it('creates a contact, shows it, stores no plaintext and audits the creation', async () => {
    const res = await create({ name: 'Dr Vera Vet', email: 'Vera@Clinic.example', phone: '+44 20 7946 0001', address: '1 Surgery Lane', organisation: 'Riverside Vets', notes: 'Open Saturdays', roles: 'vet' });
    expect(res.statusCode).toBe(303);
    const id = idFrom(res.headers.location);
    const page = (await staff.get(`${base}/people/${id}`)).body;
    expect(page).toContain('<h1>Dr Vera Vet</h1>');
    expect(page).toContain('Vera@Clinic.example');
    expect(page).toContain('Riverside Vets');
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    // The keyed hashes are hex: a digit run like 7946 turns up in them by chance, so digits are looked for elsewhere.
    const withoutHashes = JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k]) => !k.endsWith('_hash'))));
    for (const plain of ['Vera', 'Clinic', 'Surgery', 'Saturdays']) expect(raw).not.toContain(plain);
    expect(withoutHashes).not.toContain('7946');
    expect(raw).toContain('"roles":["vet"]');
    const audit = await db.selectFrom('audit_log').select(['action', 'detail', 'actor_type']).where('target_id', '=', id).execute();
    expect(audit).toEqual([{ action: 'contact.created', detail: { roles: ['vet'] }, actor_type: 'staff' }]);
  });

  it('refuses a bad email and phone with 400, naming them and keeping everything typed', async () => {
    const res = await staff.post(`${base}/people`, { _csrf: await csrf(staff), name: 'Kept Name', email: 'not-an-email', phone: 'call me', address: 'Kept Address', roles: 'adopter' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please correct 2 fields below.');
    expect(res.body).toContain('must be an email address');
    expect(res.body).toContain('must be a phone number');
    expect(res.body).toContain('value="Kept Name"');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('Kept Address</textarea>');
    expect(res.body).toMatch(/value="adopter" checked/);
    expect(await db.selectFrom('contacts').select('id').execute()).toHaveLength(1);
  });

  it('edits a contact and audits which fields changed, not their values', async () => {
    const id = idFrom((await create({ name: 'Ada Adopter', email: 'ada@example.org', roles: 'adopter' })).headers.location);
    const form = (await staff.get(`${base}/people/${id}/edit`)).body;
    expect(form).toContain('value="ada@example.org"');
    const res = await staff.post(`${base}/people/${id}`, { _csrf: await csrf(staff), name: 'Ada Adopter', email: 'ada@example.org', phone: '07700 900123', roles: 'adopter,foster' });
    expect(res.statusCode).toBe(303);
    expect(await readContact(db, ring, id)).toMatchObject({ phone: '07700 900123', roles: ['adopter', 'foster'] });
    const audit = await db.selectFrom('audit_log').select(['detail']).where('action', '=', 'contact.updated').where('target_id', '=', id).executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ fields: ['phone', 'roles'] });
    expect(JSON.stringify(audit.detail)).not.toContain('07700');
  });

  it('finds people by exact email or phone (any formatting), part of a name, and by role', async () => {
    const names = async (form: Record<string, string>) => {
      const res = await search(staff, form);
      expect(res.statusCode).toBe(200);
      return namesIn(res.body);
    };
    expect(await names({ q: 'ADA@example.org' })).toEqual(['Ada Adopter']);
    expect(await names({ q: 'ada@example' })).toEqual([]);
    expect(await names({ q: '(07700) 900-123' })).toEqual(['Ada Adopter']);
    expect(await names({ q: 'vera' })).toEqual(['Dr Vera Vet']);
    expect(await names({ q: 'riverside' })).toEqual(['Dr Vera Vet']);
    expect(await names({ q: '', role: 'vet' })).toEqual(['Dr Vera Vet']);
    expect(await names({ q: 'ada', role: 'vet' })).toEqual([]);
    // The role alone (not personal data) may still be linked to; the list then shows it chosen.
    const byRole = await staff.get(`${base}/people?role=foster`);
    expect(namesIn(byRole.body)).toEqual(['Ada Adopter']);
    expect(byRole.body).toContain('<option value="foster" selected>Foster</option>');
  });

  it('keeps what is searched for out of the URL: a posted form with CSRF, the typed text shown back', async () => {
    const list = (await viewer.get(`${base}/people`)).body;
    const form = /<form[^>]*role="search"[^>]*>/.exec(list)![0];
    expect(form).toContain('method="post"');
    expect(form).toContain(`action="${base}/people/search"`);
    expect(list).toMatch(/<form[^>]*role="search"[^>]*>(?:(?!<\/form>).)*name="_csrf"/s);
    expect(list).toContain('name="q" type="search" value autocomplete="off"');
    // A search text in the URL (an old bookmark) filters nothing and is not echoed back.
    const viaUrl = await viewer.get(`${base}/people?q=${encodeURIComponent('ada@example.org')}`);
    expect(namesIn(viaUrl.body)).toEqual(namesIn(list));
    expect(viaUrl.body).not.toContain('ada@example.org"');
    const found = await search(viewer, { q: 'ada@example.org', role: 'adopter' });
    expect(namesIn(found.body)).toEqual(['Ada Adopter']);
    expect(found.body).toContain('name="q" type="search" value="ada@example.org"');
    expect(found.body).toContain('<option value="adopter" selected>Adopter</option>');
    expect(found.headers['cache-control']).toBe('no-store');
    expect((await viewer.post(`${base}/people/search`, { q: 'ada@example.org' })).statusCode).toBe(403);
    expect((await foster.post(`${base}/people/search`, { _csrf: await foster.csrf(`${base}/my-dogs`), q: 'ada' })).statusCode).toBe(403);
  });

  it('refuses a search it cannot run with 400, keeping what was typed and saying what was wrong', async () => {
    const long = `ada ${'x'.repeat(200)}`;
    const res = await search(staff, { q: long, role: 'cat' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('No search was run: see the search form.');
    expect(res.body).toContain(`value="${long}"`);
    expect(res.body).toContain('<p class="field-error" id="f-q-error">must be at most 200 characters</p>');
    expect(res.body).toContain('<p class="field-error" id="f-role-error">is not a known role</p>');
    expect(namesIn(res.body)).toEqual([]);
  });

  it('flags the same email or phone under another name as a likely duplicate, with links both ways', async () => {
    const a = idFrom((await create({ name: 'Jo Smith', email: 'jo@example.org', phone: '0123 456 789' })).headers.location);
    const b = idFrom((await create({ name: 'Joanne Smythe', email: 'JO@example.org ', phone: '0123456789' })).headers.location);
    const c = idFrom((await create({ name: 'jo  smith', email: 'jo@example.org' })).headers.location);
    expect(await likelyDuplicates(db, ring, a)).toEqual([{ contactId: b, name: 'Joanne Smythe', matchedOn: ['email', 'phone'] }]);
    expect((await likelyDuplicates(db, ring, c)).map((d) => d.contactId)).toEqual([b]);
    const page = (await staff.get(`${base}/people/${b}`)).body;
    expect(page).toContain('Likely duplicate');
    expect(page).toContain(`href="${base}/people/${a}">Jo Smith</a> (same email and phone)`);
    expect((await search(staff, { q: 'smythe' })).body).toContain('(likely duplicate)');
    expect((await search(staff, { q: 'ada' })).body).not.toContain('(likely duplicate)');
  });

  it('upserts an applicant: the same person again is one contact with the applicant role', async () => {
    const first = await upsertApplicantContact(db, ring, { name: 'Ada Adopter', email: 'ada@example.org', address: '2 New Road' });
    const again = await upsertApplicantContact(db, ring, { name: ' ada adopter ', email: 'Ada@Example.org' });
    expect(again.contactId).toBe(first.contactId);
    expect(await readContact(db, ring, first.contactId)).toMatchObject({ roles: ['adopter', 'foster', 'applicant'], address: '2 New Road', phone: '07700 900123' });
    // The form is anonymous: a known name and email must not rewrite what the rescue holds.
    const spoof = await upsertApplicantContact(db, ring, { name: 'Ada Adopter', email: 'ada@example.org', phone: '01234 567890', address: '666 Elsewhere' });
    expect(spoof.contactId).toBe(first.contactId);
    expect(await readContact(db, ring, first.contactId)).toMatchObject({ address: '2 New Road', phone: '07700 900123' });
    const other = await upsertApplicantContact(db, ring, { name: 'Someone Else', email: 'ada@example.org' });
    expect(other.contactId).not.toBe(first.contactId);
    expect(other.likelyDuplicates).toBe(1);
    await addContactRole(db, other.contactId, 'applicant');
    expect((await readContact(db, ring, other.contactId))!.roles).toEqual(['applicant']);
  });

  it('lets a viewer read but not change people, and keeps fosters out', async () => {
    expect((await viewer.get(`${base}/people`)).statusCode).toBe(200);
    expect((await viewer.get(`${base}/people`)).body).not.toContain('Add a contact');
    expect((await viewer.post(`${base}/people`, { _csrf: await csrf(viewer), name: 'Nope' })).statusCode).toBe(403);
    expect((await foster.get(`${base}/people`)).statusCode).toBe(403);
    expect((await staff.get(`${base}/people/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
  });
});
