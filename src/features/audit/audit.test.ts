import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';

describe.each(engines)('audit log page on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ id: adminId, browser: admin } = await signedInStaff(t, 'alpha', 'admin', { name: 'Audrey Admin' }));
  });
  afterAll(() => t.close());

  it('lists the newest entries with staff actors named', async () => {
    const member = await t.addStaff('alpha', 'viewer', { name: 'Vic Viewer' });
    await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${member.id}/disable`, {});
    const res = await admin.get('/r/alpha/hub/audit');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Audit log</h1>');
    expect(res.body).toContain('<th scope="col">Actor</th>');
    expect(res.body).toContain(`staff: Audrey Admin <code>${adminId}</code>`);
    expect(res.body).toContain('staff: Vic Viewer');
    expect(res.body).toContain('staff.disabled');
    expect(res.body.indexOf('staff.disabled')).toBeLessThan(res.body.indexOf('staff.signed_in'));
    expect(res.body).toContain('system');
  });

  it('shows at most 100 entries and keeps the id of an actor it cannot name', async () => {
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const rows = Array.from({ length: 120 }, (_, i) => ({ actor_type: 'staff', actor_id: i === 119 ? 'not-a-uuid' : '00000000-0000-4000-8000-000000000000', action: `test.bulk_${i}`, detail: '{}' }));
    await db.insertInto('audit_log').values(rows).execute();
    const res = await admin.get('/r/alpha/hub/audit');
    expect(res.statusCode).toBe(200);
    expect((res.body.match(/<tr key|<tr>/g) ?? []).length).toBe(101);
    expect(res.body).toContain('staff: <code>not-a-uuid</code>');
    expect(res.body).not.toContain('test.bulk_0<');
  });

  it('refuses the audit log to the staff role', async () => {
    const member = await t.addStaff('alpha', 'staff');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', member.email, member.password);
    expect((await b.get('/r/alpha/hub/audit')).statusCode).toBe(403);
  });
});
