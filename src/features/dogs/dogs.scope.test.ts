import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signedInStaff, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { assignFoster } from '../fosters/fosters.public.js';
import { dogScopeOf } from './dogs.scope.js';

const dogForm = (name: string) => ({ name, sex: 'female', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray' });
const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;

describe('dogScopeOf', () => {
  it('gives admins, staff and viewers every dog, and a foster only their own', () => {
    for (const role of ['admin', 'staff', 'viewer'] as const) expect(dogScopeOf({ id: 'x', role })).toEqual({ all: true });
    expect(dogScopeOf({ id: 'f1', role: 'foster' })).toEqual({ all: false, fosterId: 'f1' });
  });
});

describe.each(engines)("a foster's reach on %s", (engine) => {
  let t: TestApp;
  let staff: Browser;
  let db: Kysely<TenantSchema>;
  const add = async (name: string) => idFrom((await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), ...dogForm(name) })).headers.location);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('shows a foster only the dogs in their care; there they record a weight and change nothing else', async () => {
    const mine = await add('Fostered Fern');
    const other = await add('Kennel Kip');
    const { browser: foster, id: fosterId } = await signedInStaff(t, 'alpha', 'foster');
    await assignFoster({ db, keyRing: t.rt.ctx.secrets.keyRing }, mine, { foster: fosterId, started_on: '2024-03-02' }, { type: 'system' });

    const list = await foster.get('/r/alpha/hub/dogs?status=all');
    expect(list.body).toContain('Fostered Fern');
    expect(list.body).not.toContain('Kennel Kip');
    expect(list.body).not.toContain('name="foster"');
    const page = await foster.get(`/r/alpha/hub/dogs/${mine}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Record weight');
    expect(page.body).not.toContain('Change status');
    const refused = await foster.get(`/r/alpha/hub/dogs/${other}`);
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toContain('Kennel Kip');
    expect((await foster.get(`/r/alpha/hub/dogs/${other}/medical`)).statusCode).toBe(404);

    const token = await foster.csrf('/r/alpha/hub/dogs');
    expect((await foster.post(`/r/alpha/hub/dogs/${mine}/status`, { _csrf: token, to: 'available' })).statusCode).toBe(403);
    expect((await foster.post(`/r/alpha/hub/dogs/${other}/weights`, { _csrf: token, kg: '9', weighed_on: '2024-04-01' })).statusCode).toBe(404);
    expect((await foster.post(`/r/alpha/hub/dogs/${mine}/weights`, { _csrf: token, kg: '9.5', weighed_on: '2024-04-01' })).statusCode).toBe(303);
    const weights = await db.selectFrom('dog_weights').select(['dog_id', 'kg']).where('dog_id', 'in', [mine, other]).execute();
    expect(weights.map((w) => [w.dog_id, Number(w.kg)])).toEqual([[mine, 9.5]]);
    const audit = await db.selectFrom('audit_log').select(['actor_id', 'action']).where('target_id', '=', mine).where('action', 'like', 'dog.weight%').execute();
    expect(audit).toEqual([{ actor_id: fosterId, action: 'dog.weight_recorded' }]);
  });

  it('loses the dog when the placement ends', async () => {
    const dog = await add('Passing Pip');
    const { browser: foster, id: fosterId } = await signedInStaff(t, 'alpha', 'foster');
    await assignFoster({ db, keyRing: t.rt.ctx.secrets.keyRing }, dog, { foster: fosterId, started_on: '2024-03-02' }, { type: 'system' });
    expect((await foster.get(`/r/alpha/hub/dogs/${dog}`)).statusCode).toBe(200);
    const end = await staff.post(`/r/alpha/hub/dogs/${dog}/foster/end`, { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${dog}`), ended_on: '2024-03-10' });
    expect(end.statusCode).toBe(303);
    expect((await foster.get(`/r/alpha/hub/dogs/${dog}`)).statusCode).toBe(404);
    expect((await foster.get('/r/alpha/hub/dogs')).body).not.toContain('Passing Pip');
  });
});
