import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { rescueToday } from './medical.due.js';

const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;

describe.each(engines)('medical records on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let viewer: Browser;
  let csrf: string;
  let db: Kysely<TenantSchema>;
  const addDog = async (name: string) =>
    idFrom((await staff.post('/r/alpha/hub/dogs', { _csrf: csrf, name, sex: 'male', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray' })).headers.location);
  const post = (dogId: string, what: string, form: Record<string, string>) => staff.post(`/r/alpha/hub/dogs/${dogId}/${what}`, { _csrf: csrf, ...form });
  const audits = (dogId: string) => db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', dogId).where('action', 'like', 'medical.%').orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    csrf = await staff.csrf('/r/alpha/hub/dogs');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('adds a vaccination, a treatment and a visit, shows them with the weights and on the timeline, and audits ids only', async () => {
    const id = await addDog('Pepper');
    await staff.post(`/r/alpha/hub/dogs/${id}/weights`, { _csrf: csrf, kg: '12.5', weighed_on: '2024-03-02' });
    const vac = await post(id, 'vaccinations', { type: 'rabies', label: 'Nobivac', given_on: '2024-03-02', due_on: '2025-03-02', given_by: 'Dr Lee', notes: '' });
    expect(vac.statusCode).toBe(303);
    expect(vac.headers.location).toBe(`/r/alpha/hub/dogs/${id}/medical?done=vaccination`);
    expect((await post(id, 'treatments', { kind: 'medication', name: 'Apoquel', dose: '1 tablet', schedule: 'twice daily', starts_on: '2024-03-03' })).statusCode).toBe(303);
    expect((await post(id, 'visits', { clinic: 'Harbour Vets', visit_on: '2024-03-04', reason: 'Limping', outcome: 'Rest a week' })).statusCode).toBe(303);
    const page = await staff.get(`/r/alpha/hub/dogs/${id}/medical`);
    expect(page.statusCode).toBe(200);
    for (const text of ['Rabies (Nobivac)', '2025-03-02', 'Dr Lee', 'Apoquel', 'twice daily', 'Harbour Vets', 'Rest a week', '12.5 kg']) expect(page.body).toContain(text);
    const dogPage = await staff.get(`/r/alpha/hub/dogs/${id}`);
    expect(dogPage.body).toContain(`/hub/dogs/${id}/medical`);
    expect(dogPage.body).toContain('Vaccinated: Rabies (Nobivac)');
    expect(dogPage.body).toContain('Medication started: Apoquel');
    expect(dogPage.body).toContain('Vet visit: Harbour Vets');
    const rows = await audits(id);
    expect(rows.map((r) => r.action)).toEqual(['medical.vaccination_added', 'medical.treatment_added', 'medical.visit_added']);
    expect(JSON.stringify(rows)).not.toMatch(/Nobivac|Apoquel|Harbour|Limping/);
  });

  it('deletes an entry made by mistake, audited, and 404s a second time', async () => {
    const id = await addDog('Oops');
    await post(id, 'visits', { clinic: 'Wrong Clinic', visit_on: '2024-03-04', reason: 'Typo' });
    const visit = await db.selectFrom('vet_visits').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
    const res = await post(id, `visits/${visit.id}/delete`, {});
    expect(res.statusCode).toBe(303);
    expect((await staff.get(`/r/alpha/hub/dogs/${id}/medical`)).body).not.toContain('Wrong Clinic');
    expect((await audits(id)).map((r) => [r.action, r.detail])).toEqual([['medical.visit_added', { visit_id: visit.id }], ['medical.visit_deleted', { visit_id: visit.id }]]);
    expect((await post(id, `visits/${visit.id}/delete`, {})).statusCode).toBe(404);
  });

  it('rejects bad dates with field errors and keeps what was typed', async () => {
    const id = await addDog('Fussy');
    const res = await post(id, 'vaccinations', { type: 'dhpp', label: 'Brand X', given_on: '2024-05-10', due_on: '2024-05-01', given_by: 'Dr Typed' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('must be after the date given');
    expect(res.body).toContain('value="Dr Typed"');
    expect(res.body).toContain('value="2024-05-01"');
    const bad = await post(id, 'treatments', { kind: 'treatment', name: 'Wormer', starts_on: '2024-02-30', ends_on: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('must be a date like 2024-05-31');
    expect(bad.body).toContain('value="Wormer"');
    const other = await post(id, 'vaccinations', { type: 'other', given_on: '2024-05-10' });
    expect(other.body).toContain('name the vaccine when the type is other');
    const visit = await post(id, 'visits', { clinic: '', visit_on: '2999-01-01', reason: 'Check' });
    expect(visit.body).toContain('cannot be in the future');
    expect(await db.selectFrom('vaccinations').select('id').where('dog_id', '=', id).execute()).toHaveLength(0);
  });

  it('lets a viewer read the medical page and the due list but not add or delete', async () => {
    const id = await addDog('Watched');
    expect((await viewer.get(`/r/alpha/hub/dogs/${id}/medical`)).statusCode).toBe(200);
    expect((await viewer.get('/r/alpha/hub/medical/due')).statusCode).toBe(200);
    const token = await viewer.csrf('/r/alpha/hub');
    for (const what of ['vaccinations', 'treatments', 'visits', 'visits/00000000-0000-4000-8000-000000000000/delete']) {
      expect((await viewer.post(`/r/alpha/hub/dogs/${id}/${what}`, { _csrf: token, clinic: 'x', visit_on: '2024-01-01', reason: 'x' })).statusCode).toBe(403);
    }
    expect((await viewer.get(`/r/alpha/hub/dogs/${id}/medical`)).body).not.toContain('Record vaccination');
  });

  it('escapes a clinic name on the medical page, the timeline and the due list', async () => {
    const id = await addDog('Safe');
    await post(id, 'visits', { clinic: '<script>alert(1)</script>', visit_on: '2024-03-04', reason: 'Check' });
    await post(id, 'treatments', { kind: 'treatment', name: '<img src=x onerror=alert(1)>', starts_on: '2024-03-04', next_due_on: rescueToday() });
    for (const url of [`/r/alpha/hub/dogs/${id}/medical`, `/r/alpha/hub/dogs/${id}`, '/r/alpha/hub/medical/due']) {
      const body = (await staff.get(url)).body;
      expect(body).not.toContain('<script>alert(1)</script>');
      expect(body).not.toContain('<img src=x');
    }
    expect((await staff.get(`/r/alpha/hub/dogs/${id}/medical`)).body).toContain('&lt;script>alert(1)&lt;/script>');
  });
});
