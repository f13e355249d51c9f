import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';

describe.each(engines)('staff management on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ id: adminId, browser: admin } = await signedInStaff(t, 'alpha', 'admin', { name: 'Alpha Admin' }));
  });
  afterAll(() => t.close());

  it('lists staff in an accessible table with an invite form', async () => {
    const member = await t.addStaff('alpha', 'foster', { name: 'Fran Foster' });
    const res = await admin.get('/r/alpha/hub/staff');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Staff</h1>');
    expect(res.body).toContain('<th scope="col">Email</th>');
    expect(res.body).toContain('<th scope="row">Fran Foster</th>');
    expect(res.body).toContain(member.email);
    expect(res.body).toContain(`<label for="role-${member.id}">Role for Fran Foster</label>`);
    expect(res.body).toContain('<label for="f-email">Email</label>');
    expect(res.body).toContain('name="_csrf"');
  });

  it('changes a role and disables and re-enables an account, each with a notice', async () => {
    const member = await t.addStaff('alpha', 'viewer');
    const role = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${member.id}/role`, { role: 'staff' });
    expect(role.statusCode).toBe(303);
    expect(role.headers.location).toBe('/r/alpha/hub/staff?done=role');
    expect((await admin.get(role.headers.location!)).body).toContain('The role was changed');
    const person = new Browser(t.app);
    await person.signIn('/r/alpha', member.email, member.password);
    expect((await person.get('/r/alpha/hub')).body).toContain('as staff');

    const disabled = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${member.id}/disable`, {});
    expect(disabled.headers.location).toBe('/r/alpha/hub/staff?done=disabled');
    expect((await admin.get(disabled.headers.location!)).body).toContain('signed out everywhere');
    const next = await person.get('/r/alpha/hub');
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toMatch(/^\/r\/alpha\/hub\/sign-in/);
    expect((await new Browser(t.app).signIn('/r/alpha', member.email, member.password)).statusCode).toBe(401);

    const enabled = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${member.id}/enable`, {});
    expect(enabled.headers.location).toBe('/r/alpha/hub/staff?done=enabled');
    expect((await new Browser(t.app).signIn('/r/alpha', member.email, member.password)).statusCode).toBe(303);
  });

  it('refuses a role that does not exist and re-shows the page', async () => {
    const member = await t.addStaff('alpha', 'viewer');
    const res = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${member.id}/role`, { role: 'owner' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('must be admin, staff, foster or viewer');
  });

  it('answers a malformed or unknown id with a clear 404', async () => {
    const bad = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/not-a-uuid/disable', {});
    expect(bad.statusCode).toBe(404);
    expect(bad.body).toContain('That staff member does not exist');
    const unknown = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/00000000-0000-4000-8000-000000000000/enable', {});
    expect(unknown.statusCode).toBe(404);
    const badInvite = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/invitations/42/revoke', {});
    expect(badInvite.statusCode).toBe(404);
    expect(badInvite.body).toContain('That invitation does not exist');
  });

  it('keeps the last active admin: no disabling, no demotion', async () => {
    // alpha's only admin is the one signed in: the other tests add no admins.
    const disable = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${adminId}/disable`, {});
    expect(disable.statusCode).toBe(409);
    expect(disable.body).toContain('only active admin');
    expect(disable.body).toContain('<h1>Staff</h1>');
    const demote = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${adminId}/role`, { role: 'viewer' });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toContain('only active admin');
    expect((await admin.get('/r/alpha/hub/staff')).statusCode).toBe(200);
  });

  it('refuses the staff pages and actions to the staff role', async () => {
    const member = await t.addStaff('alpha', 'staff');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', member.email, member.password);
    const res = await b.get('/r/alpha/hub/staff');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('does not allow this');
    const csrf = await b.csrf('/r/alpha/hub');
    for (const action of ['invite', `${member.id}/role`, `${member.id}/disable`, `${member.id}/enable`]) {
      expect((await b.post(`/r/alpha/hub/staff/${action}`, { _csrf: csrf, email: 'x@example.org', role: 'admin' })).statusCode, action).toBe(403);
    }
    expect((await b.get('/r/alpha/hub')).body).toContain('as staff');
  });
});
