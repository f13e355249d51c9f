import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff, createTestApp, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { adoptThroughApplication, approveThroughApplication } from '../adoptions/decisions.testing.js';
import { isoToday, monthsBefore } from './dogs.values.js';

const dogForm = (o: Record<string, string> = {}) => ({ name: 'Biscuit', sex: 'male', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', ...o });
const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;
/** Names of the dogs in a list page's table, in order. */
const namesIn = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]+">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);

describe.each(engines)('dog status, weights, bonds and the list on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let csrf: string;
  let db: Kysely<TenantSchema>;
  const add = async (o: Record<string, string> = {}) => idFrom((await staff.post('/r/alpha/hub/dogs', { _csrf: csrf, ...dogForm(o) })).headers.location);
  const move = (id: string, to: string, reason = '') => staff.post(`/r/alpha/hub/dogs/${id}/status`, { _csrf: csrf, to, reason });
  const history = (id: string) =>
    db.selectFrom('dog_status_history').select(['from_status', 'to_status', 'reason', 'changed_by']).where('dog_id', '=', id).orderBy('id').execute();
  const statusOf = async (id: string) => (await db.selectFrom('dogs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  let staffId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ id: staffId, browser: staff } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    csrf = await staff.csrf('/r/alpha/hub/dogs');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('moves through allowed statuses, keeping who, when and why in the history and the audit log', async () => {
    const id = await add({ name: 'Rover' });
    const res = await move(id, 'available', 'Vet check done');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${id}?done=status`);
    expect((await move(id, 'medical_hold', 'Limping')).statusCode).toBe(303);
    expect(await history(id)).toEqual([
      { from_status: null, to_status: 'intake', reason: '', changed_by: staffId },
      { from_status: 'intake', to_status: 'available', reason: 'Vet check done', changed_by: staffId },
      { from_status: 'available', to_status: 'medical_hold', reason: 'Limping', changed_by: staffId },
    ]);
    const audits = await db.selectFrom('audit_log').select(['detail']).where('target_id', '=', id).where('action', '=', 'dog.status_changed').orderBy('id').execute();
    expect(audits.map((a) => a.detail)).toEqual([{ from: 'intake', to: 'available' }, { from: 'available', to: 'medical_hold' }]);
    const page = await staff.get(`/r/alpha/hub/dogs/${id}`);
    expect(page.body).toContain('Status: Available → Medical hold');
    expect(page.body).toContain('Vet check done');
  });

  it('refuses adoption pending and adopted on the plain status form with a 400 that points to the application, changing nothing', async () => {
    const id = await add({ name: 'Shortcut' });
    await move(id, 'available');
    const form = await staff.get(`/r/alpha/hub/dogs/${id}`);
    const select = /<select[^>]*name="to"[\s\S]*?<\/select>/.exec(form.body)![0];
    expect(select).toContain('value="medical_hold"');
    expect(select).not.toContain('value="adoption_pending"');
    expect(form.body).toContain(`href="/r/alpha/hub/applications?dog=${id}&amp;status=all"`);
    for (const to of ['adoption_pending', 'adopted']) {
      const res = await move(id, to, 'Family found');
      expect(res.statusCode, to).toBe(400);
      expect(res.body, to).toContain('is set by an adoption application, not by this form');
      expect(res.body, to).toContain('is set by an adoption application: use the application');
      expect(res.body, to).toContain('Family found');
    }
    expect(await statusOf(id)).toBe('available');
    expect(await history(id)).toHaveLength(2);
    expect(await db.selectFrom('dogs').select('adopter_contact_id').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ adopter_contact_id: null });
  });

  it('refuses a transition the lifecycle does not allow with 409 naming the allowed next statuses', async () => {
    const id = await add({ name: 'Skipper' });
    const res = await move(id, 'returned', 'Back again');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('A dog that is intake cannot become returned. Allowed next: medical hold, available, transferred out, deceased.');
    expect(res.body).toContain('<h1>Skipper</h1>');
    expect(await statusOf(id)).toBe('intake');
    expect(await history(id)).toHaveLength(1);
    expect((await move(id, 'no_such_status')).statusCode).toBe(400);
  });

  it('needs a reason for deceased and treats deceased as final', async () => {
    const id = await add({ name: 'Old Timer' });
    const missing = await move(id, 'deceased', '  ');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Give a reason when a dog becomes deceased.');
    expect(missing.body).toContain('is required for this status');
    expect((await move(id, 'deceased', 'Passed peacefully')).statusCode).toBe(303);
    const again = await move(id, 'intake');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Deceased is final: the status cannot change any more.');
  });

  it('reopens an adopted dog\'s record when it is returned', async () => {
    const id = await add({ name: 'Boomerang' });
    await move(id, 'available');
    await adoptThroughApplication({ db, ring: t.rt.ctx.secrets.keyRing, jobs: t.rt.ctx.jobs, rescueName: 'Alpha' }, id);
    expect((await staff.get(`/r/alpha/hub/dogs/${id}`)).body).toContain('This record is closed');
    expect(namesIn((await staff.get('/r/alpha/hub/dogs?q=Boomerang')).body)).toEqual([]);
    expect(namesIn((await staff.get('/r/alpha/hub/dogs?q=Boomerang&status=adopted')).body)).toEqual(['Boomerang']);
    expect((await move(id, 'available')).statusCode).toBe(409);
    expect((await move(id, 'returned')).statusCode).toBe(400);
    expect((await move(id, 'returned', 'Landlord said no dogs')).statusCode).toBe(303);
    expect(namesIn((await staff.get('/r/alpha/hub/dogs?q=Boomerang')).body)).toEqual(['Boomerang']);
    const page = await staff.get(`/r/alpha/hub/dogs/${id}`);
    expect(page.body).not.toContain('This record is closed');
    expect((await move(id, 'available')).statusCode).toBe(303);
    expect((await history(id)).map((h) => h.to_status)).toEqual(['intake', 'available', 'adoption_pending', 'adopted', 'returned', 'available']);
    expect((await history(id)).map((h) => h.reason).slice(2, 4)).toEqual(['Adoption application approved.', 'Adoption completed.']);
  });

  it('leaves a dog held by an approved application to that application: the plain form offers and accepts nothing', async () => {
    const id = await add({ name: 'Holdfast' });
    await move(id, 'available');
    await approveThroughApplication({ db, ring: t.rt.ctx.secrets.keyRing, jobs: t.rt.ctx.jobs, rescueName: 'Alpha' }, id, { name: 'Hana Holder', email: 'hana@example.org' });
    const page = (await staff.get(`/r/alpha/hub/dogs/${id}`)).body;
    expect(page).toContain('An approved application holds this dog.');
    expect(page).not.toContain(`action="/r/alpha/hub/dogs/${id}/status"`);
    for (const to of ['available', 'medical_hold', 'deceased']) {
      const res = await move(id, to, 'Changed our minds');
      expect(res.statusCode, to).toBe(409);
      expect(res.body, to).toContain('withdraw or deny that application');
    }
    expect((await db.selectFrom('dogs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('adoption_pending');
  });

  it('records weights and lists them latest weighing first', async () => {
    const id = await add({ name: 'Chunk' });
    for (const [kg, on] of [['12.5', '2024-01-10'], ['14', '2024-03-05'], ['13.25', '2024-02-01']]) {
      const res = await staff.post(`/r/alpha/hub/dogs/${id}/weights`, { _csrf: csrf, kg: kg!, weighed_on: on! });
      expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${id}?done=weight`);
    }
    const page = (await staff.get(`/r/alpha/hub/dogs/${id}`)).body;
    expect([...page.matchAll(/<td>([\d.]+) kg<\/td>/g)].map((m) => m[1])).toEqual(['14', '13.25', '12.5']);
    const timeline = page.slice(page.indexOf('id="timeline-heading"'));
    expect([...timeline.matchAll(/Weighed ([\d.]+) kg/g)].map((m) => m[1])).toEqual(['14', '13.25', '12.5']);
    const rows = await db.selectFrom('dog_weights').select(['recorded_by']).where('dog_id', '=', id).execute();
    expect(rows.every((r) => r.recorded_by === staffId)).toBe(true);

    const bad = await staff.post(`/r/alpha/hub/dogs/${id}/weights`, { _csrf: csrf, kg: 'heavy', weighed_on: '2024-04-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('must be a weight in kg');
    expect(bad.body).toContain('value="heavy"');
    expect(bad.body).toContain('value="2024-04-01"');
  });

  it('links a bonded pair both ways and unlinks both', async () => {
    const [a, b, c] = [await add({ name: 'Salt' }), await add({ name: 'Pepper' }), await add({ name: 'Cumin' })];
    const bonded = (id: string) => db.selectFrom('dogs').select('bonded_with').where('id', '=', id).executeTakeFirstOrThrow().then((r) => r.bonded_with);
    const res = await staff.post(`/r/alpha/hub/dogs/${a}/bond`, { _csrf: csrf, partner: b });
    expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${a}?done=bonded`);
    expect([await bonded(a), await bonded(b)]).toEqual([b, a]);
    expect((await staff.get(`/r/alpha/hub/dogs/${b}`)).body).toContain(`is bonded with <a href="/r/alpha/hub/dogs/${a}">Salt</a>`);

    const taken = await staff.post(`/r/alpha/hub/dogs/${c}/bond`, { _csrf: csrf, partner: a });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Salt is already bonded with another dog');
    const self = await staff.post(`/r/alpha/hub/dogs/${c}/bond`, { _csrf: csrf, partner: c });
    expect(self.statusCode).toBe(400);
    expect((await staff.post(`/r/alpha/hub/dogs/${c}/bond`, { _csrf: csrf, partner: 'nope' })).statusCode).toBe(400);

    expect((await staff.post(`/r/alpha/hub/dogs/${b}/unbond`, { _csrf: csrf })).headers.location).toBe(`/r/alpha/hub/dogs/${b}?done=unbonded`);
    expect([await bonded(a), await bonded(b)]).toEqual([null, null]);
    expect((await staff.post(`/r/alpha/hub/dogs/${b}/unbond`, { _csrf: csrf })).statusCode).toBe(409);
    const audits = await db.selectFrom('audit_log').select(['action', 'target_id']).where('action', 'in', ['dog.bonded', 'dog.unbonded']).where('target_id', 'in', [a, b]).execute();
    expect(audits).toHaveLength(4);
  });

  it('searches by name or microchip and filters by status, size and age band', async () => {
    const today = isoToday();
    const born = (months: number) => monthsBefore(today, months);
    await add({ name: 'Find Puppy', size: 'small', birth_date: born(6), microchip: '900111222333' });
    await add({ name: 'Find Young', size: 'medium', birth_date: born(24) });
    await add({ name: 'Find Adult', size: 'large', birth_date: born(60), microchip: '900111999999' });
    const senior = await add({ name: 'Find Senior', size: 'large', age_years: '10' });
    await add({ name: 'Find Unknown', size: 'xl' });
    await move(senior, 'available');
    const names = async (qs: string) => {
      const res = await staff.get(`/r/alpha/hub/dogs?${qs}`);
      expect(res.statusCode).toBe(200);
      return namesIn(res.body);
    };
    expect(await names('q=find')).toEqual(['Find Adult', 'Find Puppy', 'Find Senior', 'Find Unknown', 'Find Young']);
    expect(await names('q=900111')).toEqual(['Find Adult', 'Find Puppy']);
    expect(await names('q=900 111 222')).toEqual(['Find Puppy']);
    expect(await names('q=find&size=large')).toEqual(['Find Adult', 'Find Senior']);
    expect(await names('q=find&status=available')).toEqual(['Find Senior']);
    expect(await names('q=find&age=puppy')).toEqual(['Find Puppy']);
    expect(await names('q=find&age=young')).toEqual(['Find Young']);
    expect(await names('q=find&age=adult')).toEqual(['Find Adult']);
    expect(await names('q=find&age=senior')).toEqual(['Find Senior']);
    expect(await names('q=find&age=senior&size=small')).toEqual([]);
    expect(await names('q=100%25')).toEqual([]);
    // A stale or edited link falls back to no filter instead of failing.
    expect(await names('q=find&size=huge&age=ancient&page=zero')).toHaveLength(5);
    const form = (await staff.get('/r/alpha/hub/dogs?q=find&size=large')).body;
    expect(form).toContain('<form method="get" action="/r/alpha/hub/dogs"');
    expect(form).toContain('<option value="large" selected>');
  });

  it('pages the list fifty dogs at a time, keeping the filters in the links', async () => {
    const rows = Array.from({ length: 55 }, (_, i) => ({ name: `Pager ${String(i).padStart(2, '0')}`, size: 'small' as const, intake_date: '2024-01-01', intake_type: 'stray' as const }));
    await db.insertInto('dogs').values(rows).execute();
    const first = await staff.get('/r/alpha/hub/dogs?q=pager&size=small');
    expect(namesIn(first.body)).toHaveLength(50);
    expect(first.body).toContain('55 dogs match.');
    expect(first.body).toContain('Page 1 of 2');
    expect(first.body).toContain('href="/r/alpha/hub/dogs?q=pager&amp;size=small&amp;page=2" rel="next"');
    const second = await staff.get('/r/alpha/hub/dogs?q=pager&size=small&page=2');
    expect(namesIn(second.body)).toEqual(['Pager 50', 'Pager 51', 'Pager 52', 'Pager 53', 'Pager 54']);
    expect(second.body).toContain('rel="prev"');
  });
});
