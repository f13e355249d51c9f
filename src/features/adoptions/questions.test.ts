import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { listQuestions } from './questions.service.js';

describe.each(engines)('application questions on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let staff: Browser;
  const base = '/r/alpha/hub/adoptions/questions';
  const post = async (b: Browser, path: string, form: Record<string, string>) => b.post(`${base}${path}`, { _csrf: await b.csrf(base.replace('/adoptions/questions', '')), ...form });
  const labels = async () => (await listQuestions(db)).map((q) => q.label);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('starts a new rescue with sensible default questions, shown to the admin in order', async () => {
    const list = await listQuestions(db);
    expect(list.length).toBeGreaterThanOrEqual(5);
    expect(list[0]).toMatchObject({ label: 'What type of home do you live in?', kind: 'choice', required: true, active: true });
    expect(list.map((q) => q.kind)).toEqual(expect.arrayContaining(['text', 'choice', 'yes_no']));
    const page = (await admin.get(base)).body;
    expect(page).toContain('<h1>Application questions</h1>');
    expect(page.indexOf('What type of home')).toBeLessThan(page.indexOf('Which other pets'));
  });

  it('refuses a choice question with fewer than 2 options, keeping what was typed', async () => {
    const res = await post(admin, '', { label: 'Favourite walk?', kind: 'choice', choices: 'Beach', required: 'yes' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('a choice question needs at least 2 options');
    expect(res.body).toContain('value="Favourite walk?"');
    expect(res.body).toContain('>Beach</textarea>');
    expect(await labels()).not.toContain('Favourite walk?');
  });

  it('adds, edits, reorders and stops asking a question, with audit entries', async () => {
    expect((await post(admin, '', { label: 'Favourite walk?', kind: 'choice', choices: 'Beach\nWoods\n\nBeach' })).statusCode).toBe(303);
    let list = await listQuestions(db);
    const q = list[list.length - 1]!;
    expect(q).toMatchObject({ label: 'Favourite walk?', kind: 'choice', choices: ['Beach', 'Woods'], required: false });
    expect((await post(admin, `/${q.id}`, { label: 'Favourite walk', kind: 'yes_no', choices: 'ignored', required: 'yes' })).statusCode).toBe(303);
    expect((await listQuestions(db)).find((x) => x.id === q.id)).toMatchObject({ label: 'Favourite walk', kind: 'yes_no', choices: [], required: true });
    await post(admin, `/${q.id}/move`, { direction: 'up' });
    list = await listQuestions(db);
    expect(list[list.length - 2]!.id).toBe(q.id);
    expect(list.map((x) => x.position)).toEqual(list.map((_, i) => i + 1));
    await post(admin, `/${q.id}/active`, { active: 'no' });
    expect((await listQuestions(db, true)).map((x) => x.id)).not.toContain(q.id);
    expect((await listQuestions(db)).map((x) => x.id)).toContain(q.id);
    const actions = (await db.selectFrom('audit_log').select('action').where('target_id', '=', q.id).orderBy('id').execute()).map((r) => r.action);
    expect(actions).toEqual(['application_question.created', 'application_question.updated', 'application_question.moved', 'application_question.deactivated']);
  });

  it('says what was wrong with a bad move, and keeps the page from staff', async () => {
    const [first] = await listQuestions(db);
    const res = await post(admin, `/${first!.id}/move`, { direction: 'sideways' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('up or down');
    expect((await staff.get(base)).statusCode).toBe(403);
    expect((await post(staff, '', { label: 'Sneaky', kind: 'text' })).statusCode).toBe(403);
  });
});
