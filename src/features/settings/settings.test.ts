import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { settingsForm } from './settings.testing.js';

describe.each(engines)('rescue settings on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  const save = (form: Record<string, string>) => admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings', settingsForm(form));
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    const a = await t.addStaff('alpha', 'admin');
    admin = new Browser(t.app);
    await admin.signIn('/r/alpha', a.email, a.password);
  });
  afterAll(() => t.close());

  it('shows the current settings in a form grouped by fieldsets', async () => {
    const res = await admin.get('/r/alpha/hub/settings');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Rescue settings</h1>');
    expect(res.body).toContain('<label for="f-name">Rescue name</label>');
    expect(res.body).toContain('value="Alpha Rescue"');
    for (const legend of ['The rescue', 'How people reach you', 'Dates and money', 'Default adoption fee by size']) expect(res.body).toContain(`<legend>${legend}</legend>`);
    expect(res.body).toContain('value="UTC"');
    expect(res.body).toContain('value="EUR"');
  });

  it('saves, shows the change on the public home page, and audits field names only', async () => {
    const res = await save({ name: 'Paws & Friends', tagline: 'Every dog deserves a sofa', contact_email: 'hello@paws.example', fee_small: '150' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/r/alpha/hub/settings?done=saved');
    const page = await admin.get(res.headers.location!);
    expect(page.body).toContain('The settings were saved');
    expect(page.body).toContain('value="150.00"');
    const home = await new Browser(t.app).get('/r/alpha/');
    expect(home.body).toContain('<h1>Paws &amp; Friends</h1>');
    expect(home.body).toContain('Every dog deserves a sofa');
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry.actor_type).toBe('staff');
    expect(entry.detail).toEqual({ fields: ['name', 'tagline', 'contact_email', 'fee_small'] });
    expect(JSON.stringify(entry)).not.toContain('sofa');
    expect(JSON.stringify(entry)).not.toContain('paws.example');

    const same = await save({ name: 'Paws & Friends', tagline: 'Every dog deserves a sofa', contact_email: 'hello@paws.example', fee_small: '150.00' });
    expect(same.headers.location).toBe('/r/alpha/hub/settings?done=unchanged');
  });

  it('re-shows a rejected form with what was typed and the field errors', async () => {
    const long = 'x'.repeat(301);
    const res = await save({ name: '   ', tagline: long });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('is required');
    expect(res.body).toContain('must be at most 300 characters');
    expect(res.body).toContain(`value="${long}"`);
    expect(res.body).toContain('aria-invalid="true"');
  });

  it('checks every field at the edge: email, web addresses, colour, time zone, currency, locale, amounts', async () => {
    const res = await save({
      contact_email: 'not-an-email', website: 'javascript:alert(1)', facebook: 'ftp://example.org/x', accent_colour: 'red',
      time_zone: 'Mars/Olympus', currency: 'XYZ', locale: 'not a locale', fee_large: '12,5', phone: 'call me',
    });
    expect(res.statusCode).toBe(400);
    for (const message of [
      'must be an email address', 'must be a web address starting with https://', 'must be a colour written #rrggbb',
      'must be a time zone like', 'must be a currency code like', 'must be a language and region like', 'must be an amount like 150', 'must be a phone number',
    ]) expect(res.body).toContain(message);
    expect(res.body).toContain('value="Mars/Olympus"');
    expect(res.body).toContain('value="javascript:alert(1)"');
    expect(res.body).toContain('value="red"');
    const ok = await save({ time_zone: 'Pacific/Auckland', currency: 'nzd', locale: 'en-NZ', accent_colour: '#FFCC00', website: 'https://paws.example/' });
    expect(ok.statusCode).toBe(303);
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const row = await db.selectFrom('rescue_settings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ time_zone: 'Pacific/Auckland', currency: 'NZD', locale: 'en-NZ', accent_colour: '#ffcc00' });
  });

  it('refuses the settings page and form to the staff role', async () => {
    const member = await t.addStaff('alpha', 'staff');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', member.email, member.password);
    expect((await b.get('/r/alpha/hub/settings')).statusCode).toBe(403);
    expect((await b.post('/r/alpha/hub/settings', { _csrf: await b.csrf('/r/alpha/hub'), ...settingsForm({ name: 'Taken over' }) })).statusCode).toBe(403);
  });
});
