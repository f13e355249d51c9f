import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog } from '../adoptions/decisions.testing.js';

const email = 'jo.applicant@example.org';
const phone = '07700 900555';
const hiddenReason = 'Contact details (email, phone, address) are hidden from viewers at this rescue.';

describe.each(engines)('who sees applicants\u2019 contact details on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let viewer: Browser;
  let staff: Browser;
  let pages: string[];
  const privacy = (form: Record<string, string>) => admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings/privacy', form);
  const audits = () => db.selectFrom('audit_log').select('detail').where('action', '=', 'settings.privacy_updated').orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    const dogId = await addAvailableDog(db, 'Biscuit');
    const app = await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId, name: 'Jo Applicant', email, phone });
    pages = ['/r/alpha/hub/people', `/r/alpha/hub/people/${app.contactId}`, `/r/alpha/hub/applications/${app.id}`];
  });
  afterAll(() => t.close());

  it('hides them from viewers by default, saying why, while staff see them', async () => {
    const settings = (await admin.get('/r/alpha/hub/settings')).body;
    expect(settings).toContain('<h2 id="privacy-heading">Privacy</h2>');
    expect(settings).toMatch(/<input type="radio" id="f-viewers_see_contact_details-no"[^>]*checked/);
    for (const url of pages) {
      const seen = await viewer.get(url);
      expect(seen.statusCode, url).toBe(200);
      expect(seen.body, url).toContain('Jo Applicant');
      expect(seen.body, url).not.toContain(email);
      expect(seen.body, url).not.toContain(phone);
      expect(seen.body, url).toContain(hiddenReason);
      const full = (await staff.get(url)).body;
      expect(full, url).toContain(email);
      expect(full, url).not.toContain(hiddenReason);
    }
  });

  it('shows them to viewers once an admin allows it, audited once per change', async () => {
    const saved = await privacy({ viewers_see_contact_details: 'yes' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/r/alpha/hub/settings?privacy=saved#privacy-heading');
    const page = (await admin.get('/r/alpha/hub/settings?privacy=saved')).body;
    expect(page).toContain('The privacy setting was saved.');
    expect(page).toMatch(/<input type="radio" id="f-viewers_see_contact_details-yes"[^>]*checked/);
    for (const url of pages) {
      const seen = (await viewer.get(url)).body;
      expect(seen, url).toContain(email);
      expect(seen, url).not.toContain(hiddenReason);
    }
    expect((await privacy({ viewers_see_contact_details: 'yes' })).headers.location).toBe('/r/alpha/hub/settings?privacy=unchanged#privacy-heading');
    expect(await audits()).toEqual([{ detail: { viewers_see_contact_details: true } }]);

    expect((await privacy({ viewers_see_contact_details: 'no' })).statusCode).toBe(303);
    expect((await viewer.get(pages[2]!)).body).not.toContain(email);
    expect((await audits()).map((a) => a.detail)).toEqual([{ viewers_see_contact_details: true }, { viewers_see_contact_details: false }]);
  });

  it('re-shows the settings page with a 400 for a missing choice, and refuses it to staff', async () => {
    const refused = await privacy({});
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(refused.body).toContain('The privacy setting was not saved: choose whether viewers see contact details.');
    expect(refused.body).toContain('<h1>Rescue settings</h1>');
    const byStaff = await staff.post('/r/alpha/hub/settings/privacy', { _csrf: await staff.csrf('/r/alpha/hub'), viewers_see_contact_details: 'yes' });
    expect(byStaff.statusCode).toBe(403);
    const row = await db.selectFrom('rescue_settings').select('viewers_see_contact_details').executeTakeFirst();
    expect(row?.viewers_see_contact_details ?? false).toBe(false);
  });
});
