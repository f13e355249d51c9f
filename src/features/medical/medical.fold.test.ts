import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';

// Every <details class="fold"> of a page, by its summary, and whether it is open.
function folds(html: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of html.matchAll(/<details class="fold"( open)?><summary>([^<]+)<\/summary>/g)) out[m[2]!] = m[1] !== undefined;
  return out;
}

// The long dog and medical pages fold their add-forms until asked; a form re-shown with errors is open.
describe.each(engines)('folded add-forms on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let dog: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name: 'Waffles', sex: 'male', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    dog = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
  });
  afterAll(() => t.close());

  it('shows the medical record first, with every add-form closed behind its own summary', async () => {
    const page = (await staff.get(`/r/alpha/hub/dogs/${dog}/medical`)).body;
    expect(folds(page)).toEqual({ 'Record a vaccination': false, 'Record a treatment or medication': false, 'Record a vet visit': false, 'Attach a document': false });
    // The forms are in the page, only folded: they work without script.
    expect(page).toContain('aria-label="Record a vaccination"');
    const dogPage = (await staff.get(`/r/alpha/hub/dogs/${dog}`)).body;
    expect(folds(dogPage)).toMatchObject({ 'Record a weight': false, 'Write a note about Waffles': false, 'Upload new photos': false });
  });

  it('opens only the form that was re-shown with errors, keeping what was typed', async () => {
    const csrf = await staff.csrf(`/r/alpha/hub/dogs/${dog}/medical`);
    const refused = await staff.post(`/r/alpha/hub/dogs/${dog}/vaccinations`, { _csrf: csrf, type: 'other', label: '', given_on: '2024-04-01', given_by: 'Town Vet' });
    expect(refused.statusCode).toBe(400);
    expect(folds(refused.body)).toEqual({ 'Record a vaccination': true, 'Record a treatment or medication': false, 'Record a vet visit': false, 'Attach a document': false });
    expect(refused.body).toContain('value="Town Vet"');

    const weight = await staff.post(`/r/alpha/hub/dogs/${dog}/weights`, { _csrf: csrf, kg: 'heavy', weighed_on: '2024-04-01' });
    expect(weight.statusCode).toBe(400);
    expect(folds(weight.body)).toMatchObject({ 'Record a weight': true, 'Write a note about Waffles': false, 'Upload new photos': false });
    expect(weight.body).toContain('value="heavy"');
  });
});
