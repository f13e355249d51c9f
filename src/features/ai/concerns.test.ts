import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { activeConcerns, keyFor, listConcerns } from './concerns.service.js';
import { defaultConcerns } from './screening/concerns.js';
import { reviewByRules } from './screening/review.js';

describe.each(engines)('review concerns on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let staff: Browser;
  const base = '/r/alpha/hub/adoptions/concerns';
  const post = async (b: Browser, path: string, form: Record<string, string>) => b.post(`${base}${path}`, { _csrf: await b.csrf('/r/alpha/hub'), ...form });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t?.close());

  it('starts from the defaults, shown in order with their phrases', async () => {
    const page = await admin.get(base);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Application review concerns</h1>');
    expect(page.body.indexOf(defaultConcerns[0]!.label)).toBeLessThan(page.body.indexOf(defaultConcerns[1]!.label));
    expect((await listConcerns(db)).map((c) => c.key)).toEqual(defaultConcerns.map((c) => c.id));
  });

  it('adds a concern whose phrases the review then uses, with an audit entry', async () => {
    const res = await post(admin, '', { label: 'No way to reach a vet', rules: "no car\ndon't drive\n\nno car" });
    expect(res.statusCode).toBe(303);
    const added = (await listConcerns(db)).find((c) => c.label === 'No way to reach a vet')!;
    expect(added).toMatchObject({ key: 'no-way-to-reach-a-vet', rules: ['no car', "don't drive"], active: true });
    const flags = reviewByRules([{ question: 'Transport?', answer: "We don't drive, but the bus stops outside." }], await activeConcerns(db));
    expect(flags.map((f) => f.concernId)).toEqual(['no-way-to-reach-a-vet']);
    const audit = await db.selectFrom('audit_log').select(['action']).where('action', '=', 'review_concern.created').execute();
    expect(audit).toHaveLength(1);
  });

  it('refuses a protected characteristic or a malformed phrase, naming the line and keeping what was typed', async () => {
    const res = await post(admin, '', { label: 'Household', rules: 'keep outside\n(.*)+\npregnant' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Line 2 (“(.*)+”)');
    expect(res.body).toContain('keep outside\n(.*)+\npregnant');
    const res2 = await post(admin, '', { label: 'Applicant is elderly', rules: '' });
    expect(res2.statusCode).toBe(400);
    expect(res2.body).toContain('cannot be about age');
    expect(res2.body).toContain('value="Applicant is elderly"');
    const res3 = await post(admin, '', { label: 'Household', rules: 'pregnant' });
    expect(res3.body).toContain('about pregnancy, a protected characteristic');
  });

  it('edits a concern keeping its key, and stops and resumes using it', async () => {
    const c = (await listConcerns(db)).find((x) => x.key === 'gift')!;
    const edit = await admin.get(`${base}/${c.id}/edit`);
    expect(edit.body).toContain('as a gift');
    expect((await post(admin, `/${c.id}`, { label: 'A present for someone', rules: 'as a gift\nbirthday surprise' })).statusCode).toBe(303);
    expect((await listConcerns(db)).find((x) => x.id === c.id)).toMatchObject({ key: 'gift', label: 'A present for someone', rules: ['as a gift', 'birthday surprise'] });
    expect((await post(admin, `/${c.id}/active`, { active: 'no' })).statusCode).toBe(303);
    expect((await activeConcerns(db)).map((x) => x.id)).not.toContain('gift');
    expect((await post(admin, `/${c.id}/active`, { active: 'yes' })).statusCode).toBe(303);
    expect((await activeConcerns(db)).map((x) => x.id)).toContain('gift');
    expect((await post(admin, `/${c.id}/active`, { active: 'maybe' })).statusCode).toBe(400);
  });

  it('is for admins only, and answers unknown ids with 404', async () => {
    expect((await staff.get(base)).statusCode).toBe(403);
    expect((await admin.get(`${base}/not-a-uuid/edit`)).statusCode).toBe(404);
    expect((await admin.get(`${base}/00000000-0000-4000-8000-000000000000/edit`)).statusCode).toBe(404);
  });
});

describe('concern keys', () => {
  it('are slugs of the label, unique', () => {
    expect(keyFor('Crate  all day!', new Set())).toBe('crate-all-day');
    expect(keyFor('Crate all day', new Set(['crate-all-day']))).toBe('crate-all-day-2');
    expect(keyFor('😀', new Set())).toBe('concern');
    expect(keyFor('Über grössé', new Set())).toBe('uber-grosse');
  });
});
