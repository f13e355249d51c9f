import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { medicalDue } from './medical.due.js';
import { addInterval, addMonths, nextBoosterDue, nextDoseDue } from './medical.schedule.js';

const rowInput = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0] ?? null;
const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;

describe('schedules', () => {
  it('adds calendar months, clamping to the end of shorter months, and days, weeks and years', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-11-15', 3)).toBe('2025-02-15');
    expect(addInterval('2024-02-29', 1, 'year')).toBe('2025-02-28');
    expect(addInterval('2024-06-01', 2, 'week')).toBe('2024-06-15');
    expect(addInterval('2024-06-30', 3, 'day')).toBe('2024-07-03');
  });

  it('keeps a booster on the previous dose\'s interval: whole months when they fit, else days', () => {
    expect(nextBoosterDue({ givenOn: '2023-06-01', dueOn: '2024-06-01' }, '2024-06-20')).toBe('2025-06-20');
    expect(nextBoosterDue({ givenOn: '2024-01-01', dueOn: '2024-01-22' }, '2024-02-01')).toBe('2024-02-22');
    expect(nextBoosterDue({ givenOn: '2024-01-01', dueOn: null }, '2024-02-01')).toBeNull();
  });

  it('moves a treatment\'s next dose one interval on, and ends it after the course', () => {
    expect(nextDoseDue({ repeatEvery: 1, repeatUnit: 'month', endsOn: null }, '2024-06-10')).toBe('2024-07-10');
    expect(nextDoseDue({ repeatEvery: 1, repeatUnit: 'month', endsOn: '2024-07-01' }, '2024-06-10')).toBeNull();
  });
});

describe.each(engines)('editing and advancing medical entries on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let viewer: Browser;
  let csrf: string;
  let db: Kysely<TenantSchema>;
  const addDog = async (name: string) =>
    idFrom((await staff.post('/r/alpha/hub/dogs', { _csrf: csrf, name, sex: 'male', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray' })).headers.location);
  const post = (dogId: string, what: string, form: Record<string, string>) => staff.post(`/r/alpha/hub/dogs/${dogId}/${what}`, { _csrf: csrf, ...form });
  const audits = (dogId: string) => db.selectFrom('audit_log').select('action').where('target_id', '=', dogId).where('action', 'like', 'medical.%').orderBy('id').execute();
  const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    csrf = await staff.csrf('/r/alpha/hub/dogs');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('edits a vaccination: the form is prefilled, a bad date keeps what was typed, a good one saves and is audited', async () => {
    const id = await addDog('Edith');
    await post(id, 'vaccinations', { type: 'rabies', label: 'Nobivac', given_on: '2024-03-02', due_on: '2025-03-02', given_by: 'Dr Lee' });
    const vac = await db.selectFrom('vaccinations').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
    const url = `/r/alpha/hub/dogs/${id}/vaccinations/${vac.id}/edit`;
    const form = await staff.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Nobivac"');
    expect(form.body).toContain('value="2025-03-02"');
    const bad = await post(id, `vaccinations/${vac.id}/edit`, { type: 'rabies', label: 'Typed brand', given_on: '2024-03-02', due_on: '2024-01-01', given_by: 'Dr Typed' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('must be after the date given');
    expect(bad.body).toContain('value="Typed brand"');
    expect(bad.body).toContain('value="Dr Typed"');
    const good = await post(id, `vaccinations/${vac.id}/edit`, { type: 'rabies', label: 'Rabisin', given_on: '2024-03-02', due_on: '2027-03-02', given_by: 'Dr Lee' });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe(`/r/alpha/hub/dogs/${id}/medical?done=edited`);
    expect(await db.selectFrom('vaccinations').select(['label', day('due_on').as('due_on')]).where('id', '=', vac.id).executeTakeFirstOrThrow()).toEqual({ label: 'Rabisin', due_on: '2027-03-02' });
    expect((await audits(id)).map((a) => a.action)).toEqual(['medical.vaccination_added', 'medical.vaccination_edited']);
    expect((await viewer.get(url)).statusCode).toBe(403);
    expect((await staff.get(`/r/alpha/hub/dogs/${id}/vaccinations/00000000-0000-4000-8000-000000000000/edit`)).statusCode).toBe(404);
  });

  it('edits a vet visit and a treatment, refusing a half-set repeat interval with the input kept', async () => {
    const id = await addDog('Visitor');
    await post(id, 'visits', { clinic: 'Harbour Vets', visit_on: '2024-03-04', reason: 'Limping' });
    const visit = await db.selectFrom('vet_visits').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
    expect((await post(id, `visits/${visit.id}/edit`, { clinic: 'Harbor Vets', visit_on: '2024-03-04', reason: 'Limping', outcome: 'Rest' })).statusCode).toBe(303);
    expect((await staff.get(`/r/alpha/hub/dogs/${id}/medical`)).body).toContain('Harbor Vets');
    await post(id, 'treatments', { kind: 'medication', name: 'Apoquel', starts_on: '2024-03-03' });
    const tr = await db.selectFrom('treatments').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
    const half = await post(id, `treatments/${tr.id}/edit`, { kind: 'medication', name: 'Apoquel typed', starts_on: '2024-03-03', repeat_every: '2' });
    expect(half.statusCode).toBe(400);
    expect(half.body).toContain('choose days, weeks, months or years');
    expect(half.body).toContain('value="Apoquel typed"');
    expect((await post(id, `treatments/${tr.id}/edit`, { kind: 'medication', name: 'Apoquel', starts_on: '2024-03-03', repeat_every: '2', repeat_unit: 'week', next_due_on: '2024-03-17' })).statusCode).toBe(303);
    expect(await db.selectFrom('treatments').select(['repeat_every', 'repeat_unit']).where('id', '=', tr.id).executeTakeFirstOrThrow()).toEqual({ repeat_every: 2, repeat_unit: 'week' });
    expect((await staff.get(`/r/alpha/hub/dogs/${id}/medical`)).body).toContain('every 2 weeks');
  });

  it('records a dose of a repeating treatment, moving the next due date on and off the due list', async () => {
    const id = await addDog('Doser');
    await post(id, 'treatments', { kind: 'treatment', name: 'Wormer', starts_on: '2024-01-10', next_due_on: '2024-02-10', repeat_every: '1', repeat_unit: 'month' });
    await post(id, 'treatments', { kind: 'treatment', name: 'One-off', starts_on: '2024-01-10', next_due_on: '2024-02-10' });
    const rows = await db.selectFrom('treatments').select(['id', 'name']).where('dog_id', '=', id).execute();
    const wormer = rows.find((r) => r.name === 'Wormer')!.id;
    const oneOff = rows.find((r) => r.name === 'One-off')!.id;
    const mine = async (today: string) => (await medicalDue(db, today)).overdue.filter((i) => i.dogId === id).map((i) => i.what);
    expect(await mine('2024-02-15')).toEqual(['One-off', 'Wormer']);

    const res = await post(id, `treatments/${wormer}/dose`, { given_on: '2024-02-12' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${id}/medical?done=dose`);
    expect((await db.selectFrom('treatments').select(day('next_due_on').as('d')).where('id', '=', wormer).executeTakeFirstOrThrow()).d).toBe('2024-03-12');
    expect(await mine('2024-02-15')).toEqual(['One-off']);
    expect(await db.selectFrom('treatment_doses').select('treatment_id').where('dog_id', '=', id).execute()).toEqual([{ treatment_id: wormer }]);
    expect((await staff.get(`/r/alpha/hub/dogs/${id}`)).body).toContain('Dose given: Wormer');

    const refused = await post(id, `treatments/${oneOff}/dose`, { given_on: '2024-02-12' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('has no repeat interval');
    const early = await post(id, `treatments/${wormer}/dose`, { given_on: '2023-12-01' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('cannot be before 2024-01-10');
    expect(rowInput(early.body, `dose-${wormer}`)).toBe(`<input id="dose-${wormer}" name="given_on" type="date" value="2023-12-01" required aria-invalid="true" aria-describedby="dose-${wormer}-error"/>`);
    expect(early.body).toContain(`<span class="field-error" id="dose-${wormer}-error">cannot be before the start date</span>`);
    const future = await post(id, `treatments/${wormer}/dose`, { given_on: '2999-01-01' });
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('cannot be in the future');
    expect(rowInput(future.body, `dose-${wormer}`)).toContain('value="2999-01-01"');
    expect(future.body).toContain(`<span class="field-error" id="dose-${wormer}-error">`);
    const garbled = await post(id, `treatments/${wormer}/dose`, { given_on: '2024-02-31' });
    expect(garbled.statusCode).toBe(400);
    expect(rowInput(garbled.body, `dose-${wormer}`)).toContain('value="2024-02-31" required aria-invalid="true"');
    const missing = await post(id, `treatments/${wormer}/dose`, { given_on: '' });
    expect(missing.statusCode).toBe(400);
    // Preact writes an empty value as a bare attribute: the date stays empty, as typed, not today's.
    expect(rowInput(missing.body, `dose-${wormer}`)).toContain(' value required aria-invalid="true"');
    expect(missing.body).toContain('Nothing was recorded: given on');
    expect(missing.body.match(/aria-invalid="true"/g)).toHaveLength(1);
    expect((await audits(id)).filter((a) => a.action === 'medical.dose_recorded')).toHaveLength(1);
  });

  it('records a booster as a new dose due after the same interval, replacing the old one on the due list', async () => {
    const id = await addDog('Booster');
    await post(id, 'vaccinations', { type: 'dhpp', given_on: '2023-05-20', due_on: '2024-05-20' });
    const first = await db.selectFrom('vaccinations').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
    const mine = async (today: string) => (await medicalDue(db, today)).overdue.filter((i) => i.dogId === id).map((i) => [i.what, i.dueOn]);
    expect(await mine('2024-06-01')).toEqual([['DHPP', '2024-05-20']]);
    const res = await post(id, `vaccinations/${first.id}/booster`, { given_on: '2024-06-01', given_by: 'Dr Lee' });
    expect(res.statusCode).toBe(303);
    const doses = await db.selectFrom('vaccinations').select(['type', day('given_on').as('given_on'), day('due_on').as('due_on')]).where('dog_id', '=', id).orderBy('given_on').execute();
    expect(doses).toEqual([{ type: 'dhpp', given_on: '2023-05-20', due_on: '2024-05-20' }, { type: 'dhpp', given_on: '2024-06-01', due_on: '2025-06-01' }]);
    expect(await mine('2024-06-02')).toEqual([]);
    expect(await mine('2025-06-02')).toEqual([['DHPP', '2025-06-01']]);
    const again = await post(id, `vaccinations/${first.id}/booster`, { given_on: '2023-01-01' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('must be after 2023-05-20');
    expect(rowInput(again.body, `booster-${first.id}`)).toContain('value="2023-01-01" required aria-invalid="true"');
    expect(again.body).toContain(`<span class="field-error" id="booster-${first.id}-error">must be after the previous dose</span>`);
    expect((await viewer.post(`/r/alpha/hub/dogs/${id}/vaccinations/${first.id}/booster`, { _csrf: await viewer.csrf('/r/alpha/hub'), given_on: '2024-06-01' })).statusCode).toBe(403);
  });
});
