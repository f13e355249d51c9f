import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { encryptAnswers } from '../adoptions/adoptions.public.js';
import { upsertApplicantContact } from '../people/people.public.js';

/** A small RFC 4180 reader, to check that what Kona writes reads back exactly. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && body[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  expect(cell).toBe('');
  return rows;
}

/** The CSV as records keyed by the header row. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

const EVIL_NAME = '=HYPERLINK("http://evil.example","click")';
const NEEDS = 'Needs "quiet" home, no cats,\nmedication twice daily';
const PERSON = { name: 'Zoë "Zed" O\'Hara, Jr', email: 'zoe.export@example.org', phone: '+44 7700 900123', address: '1 Quay Street\nHarbourtown' };

describe.each(engines)('data export on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let staff: Browser;
  let viewer: Browser;
  let csrf: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const ring = t.rt.ctx.secrets.keyRing;
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    csrf = await admin.csrf('/r/alpha/hub/export');
    const dog = await db.insertInto('dogs').values({ name: EVIL_NAME, size: 'small', intake_date: '2024-03-01', intake_type: 'stray', special_needs: NEEDS, adoption_fee_cents: 15000, breeds: ['Collie', 'Lab'] })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('vaccinations').values({ dog_id: dog.id, type: 'rabies', given_on: '2024-03-02', due_on: '2025-03-02', given_by: '@vet clinic' }).execute();
    await db.insertInto('dog_notes').values({ dog_id: dog.id, author_id: null, body: '=cmd|\' /C calc\'!A0 ate well' }).execute();
    await db.insertInto('vet_visits').values({ dog_id: dog.id, clinic: 'Harbour Vets', visit_on: '2024-03-04', reason: '-limping' }).execute();
    const { contactId } = await upsertApplicantContact(db, ring, PERSON);
    const answers = [{ questionId: randomUUID(), label: 'Why this dog?', kind: 'text' as const, answer: '+SUM(A1:A9) because, "reasons"' }];
    await db.insertInto('applications').values({ dog_id: dog.id, contact_id: contactId, status: 'new', answers_enc: encryptAnswers(ring, answers), idempotency_key: randomUUID() }).execute();
  });
  afterAll(() => t.close());

  const download = (browser: Browser, path: string, token = csrf) => browser.post(`/r/alpha/hub/export/${path}`, { _csrf: token });

  it('is for admins only, and in the admin navigation', async () => {
    const page = await admin.get('/r/alpha/hub/export');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/r/alpha/hub/export"');
    expect(page.body).toContain('Download people.csv');
    for (const b of [viewer, staff]) {
      expect((await b.get('/r/alpha/hub/export')).statusCode).toBe(403);
      const token = await b.csrf('/r/alpha/hub');
      expect((await download(b, 'csv/people', token)).statusCode).toBe(403);
      expect((await download(b, 'json', token)).statusCode).toBe(403);
      expect((await b.get('/r/alpha/hub')).body).not.toContain('/hub/export"');
    }
    expect((await admin.post('/r/alpha/hub/export/json', {})).statusCode).toBe(403);
    expect((await download(admin, 'csv/nothing-here')).statusCode).toBe(404);
  });

  it('writes CSV that reads back exactly, with formulas neutralised, as a no-store attachment', async () => {
    const res = await download(admin, 'csv/dogs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kona-alpha-dogs-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const [dog] = records(res.body);
    expect(dog!.name).toBe(`'${EVIL_NAME}`);
    expect(dog!.special_needs).toBe(NEEDS);
    expect(dog!.breeds).toBe('Collie; Lab');
    expect(dog!.adoption_fee_cents).toBe('15000');
    expect(dog!.whereabouts).toBe('rescue');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);

    const [vaccination] = records((await download(admin, 'csv/vaccinations')).body);
    expect(vaccination).toMatchObject({ type: 'rabies', given_on: '2024-03-02', due_on: '2025-03-02', given_by: "'@vet clinic", dog_name: `'${EVIL_NAME}` });
    expect(records((await download(admin, 'csv/vet-visits')).body)[0]!.reason).toBe("'-limping");
    expect(records((await download(admin, 'csv/dog-notes')).body)[0]!.body).toBe("'=cmd|' /C calc'!A0 ate well");
  });

  it('decrypts people and applications into the export only', async () => {
    const [person] = records((await download(admin, 'csv/people')).body);
    expect(person).toMatchObject({ name: PERSON.name, email: PERSON.email, phone: `'${PERSON.phone}`, address: PERSON.address, roles: 'applicant' });
    const [application] = records((await download(admin, 'csv/applications')).body);
    expect(application!.answers).toBe('Why this dog?: +SUM(A1:A9) because, "reasons"');
    expect(application!.status).toBe('new');

    const res = await download(admin, 'json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kona-alpha-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const json = JSON.parse(res.body) as { rescue: { name: string }; datasets: Record<string, Record<string, unknown>[]> };
    expect(json.rescue.name).toBe('Alpha Rescue');
    expect(Object.keys(json.datasets)).toEqual(['dogs', 'status-history', 'foster-placements', 'dog-notes', 'vaccinations', 'treatments', 'vet-visits', 'weights', 'people', 'applications']);
    expect(json.datasets.people![0]).toMatchObject({ name: PERSON.name, email: PERSON.email, phone: PERSON.phone, address: PERSON.address, roles: ['applicant'] });
    expect(json.datasets.dogs![0]!.name).toBe(EVIL_NAME);
    expect(json.datasets.applications![0]!.answers).toEqual([{ question: 'Why this dog?', kind: 'text', answer: '+SUM(A1:A9) because, "reasons"' }]);
  });

  it('audits every export with what was exported and no personal data', async () => {
    const before = await db.selectFrom('audit_log').select('id').where('action', '=', 'data.exported').execute();
    await download(admin, 'csv/people');
    await download(admin, 'json');
    const rows = await db.selectFrom('audit_log').select(['actor_type', 'detail']).where('action', '=', 'data.exported').orderBy('id').execute();
    const fresh = rows.slice(before.length);
    expect(fresh.map((r) => r.detail)).toEqual([
      { format: 'csv', datasets: ['people'], rows: { people: 1 }, personal: true },
      { format: 'json', datasets: ['dogs', 'status-history', 'foster-placements', 'dog-notes', 'vaccinations', 'treatments', 'vet-visits', 'weights', 'people', 'applications'], rows: { dogs: 1, 'status-history': 0, 'foster-placements': 0, 'dog-notes': 1, vaccinations: 1, treatments: 0, 'vet-visits': 1, weights: 0, people: 1, applications: 1 }, personal: true },
    ]);
    expect(fresh.every((r) => r.actor_type === 'staff')).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/Zo|zoe|Quay|7700/);
  });
});
