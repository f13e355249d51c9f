import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';

describe.each(engines)('rescue settings on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    const a = await t.addStaff('alpha', 'admin');
    admin = new Browser(t.app);
    await admin.signIn('/r/alpha', a.email, a.password);
  });
  afterAll(() => t.close());

  it('shows the current settings in a labelled form', async () => {
    const res = await admin.get('/r/alpha/hub/settings');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Rescue settings</h1>');
    expect(res.body).toContain('<label for="f-name">Rescue name</label>');
    expect(res.body).toContain('value="Alpha Rescue"');
  });

  it('saves, shows the change on the public home page, and audits field names only', async () => {
    const res = await admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings', { name: 'Paws & Friends', tagline: 'Every dog deserves a sofa' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/r/alpha/hub/settings?done=saved');
    expect((await admin.get(res.headers.location!)).body).toContain('The settings were saved');
    const home = await new Browser(t.app).get('/r/alpha/');
    expect(home.body).toContain('<h1>Paws &amp; Friends</h1>');
    expect(home.body).toContain('Every dog deserves a sofa');
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry.actor_type).toBe('staff');
    expect(entry.detail).toEqual({ fields: ['name', 'tagline'] });
    expect(JSON.stringify(entry)).not.toContain('sofa');

    const same = await admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings', { name: 'Paws & Friends', tagline: 'Every dog deserves a sofa' });
    expect(same.headers.location).toBe('/r/alpha/hub/settings?done=unchanged');
  });

  it('re-shows a rejected form with what was typed and the field errors', async () => {
    const long = 'x'.repeat(301);
    const res = await admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings', { name: '   ', tagline: long });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('is required');
    expect(res.body).toContain('must be at most 300 characters');
    expect(res.body).toContain(`value="${long}"`);
    expect(res.body).toContain('aria-invalid="true"');
  });

  it('refuses the settings page and form to the staff role', async () => {
    const member = await t.addStaff('alpha', 'staff');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', member.email, member.password);
    expect((await b.get('/r/alpha/hub/settings')).statusCode).toBe(403);
    expect((await b.post('/r/alpha/hub/settings', { _csrf: await b.csrf('/r/alpha/hub'), name: 'Taken over' })).statusCode).toBe(403);
  });
});
