import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog, queuedMail } from './decisions.testing.js';

describe.each(engines)('adoption email templates on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let staff: Browser;
  const base = '/r/alpha/hub/adoptions/templates';
  const save = async (status: string, form: Record<string, string>) => admin.post(`${base}/${status}`, { _csrf: await admin.csrf(`${base}/${status}`), ...form });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    admin = (await signedInStaff(t, 'alpha', 'admin')).browser;
    staff = (await signedInStaff(t, 'alpha', 'staff')).browser;
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    await addAvailableDog(db, 'Clementine');
  });
  afterAll(() => t?.close());

  it('lists every status with whether its email is on, and previews a template for a sample dog', async () => {
    const list = await admin.get(base);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<h1>Emails to applicants</h1>');
    expect(list.body).toContain('<h2>Interview scheduled</h2>');
    expect(list.body).toContain('<strong>On</strong>: “Your application for {{dog_name}} is approved”');
    expect(list.body).toMatch(/<h2>Withdrawn<\/h2>[\s\S]*?Not written yet/);
    const edit = await admin.get(`${base}/approved`);
    expect(edit.body).toContain('For a made-up applicant, Alex Example, applying for Clementine.');
    expect(edit.body).toContain('<strong>Subject:</strong> Your application for Clementine is approved');
    expect(edit.body).toContain('Hello Alex Example,');
    expect(edit.body).toContain('Alpha Rescue');
  });

  it('refuses unknown placeholders with a clear message, keeping what was typed', async () => {
    const res = await save('approved', { subject: 'Hi {{name}}', body: 'About {{dog_name}} and {{ dog }}.', enabled: 'yes', intent: 'save' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('uses {{name}}, which Kona does not know. Use only {{applicant_name}}, {{dog_name}}, {{rescue_name}}, {{interview_at}}, {{reason}}.');
    expect(res.body).toContain('uses {{dog}}, which Kona does not know.');
    expect(res.body).toContain('value="Hi {{name}}"');
    expect(res.body).toContain('About {{dog_name}} and {{ dog }}.</textarea>');
    const row = await db.selectFrom('adoption_email_templates').select('subject').where('status', '=', 'approved').executeTakeFirstOrThrow();
    expect(row.subject).toBe('Your application for {{dog_name}} is approved');
  });

  it('previews typed text without saving it', async () => {
    const res = await save('approved', { subject: 'Yes for {{dog_name}}!', body: 'Dear {{applicant_name}}', enabled: 'yes', intent: 'preview' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<strong>Subject:</strong> Yes for Clementine!');
    const row = await db.selectFrom('adoption_email_templates').select('subject').where('status', '=', 'approved').executeTakeFirstOrThrow();
    expect(row.subject).toBe('Your application for {{dog_name}} is approved');
  });

  it('saves a template (audited) and the next email uses it; a switched-off one sends nothing', async () => {
    const res = await save('in_review', { subject: 'We are looking at {{ dog_name }}', body: 'Hi {{applicant_name}}, from {{rescue_name}}.', enabled: 'yes', intent: 'save' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}?saved=in_review`);
    expect((await admin.get(res.headers.location as string)).body).toContain('The “In review” email was saved.');
    expect(await db.selectFrom('audit_log').select('detail').where('action', '=', 'adoption.template_saved').where('target_id', '=', 'in_review').execute()).toEqual([{ detail: { enabled: true } }]);
    await save('withdrawn', { subject: 'Withdrawn', body: 'Sorry to see you go, {{applicant_name}}.', intent: 'save' });
    expect((await db.selectFrom('adoption_email_templates').select('enabled').where('status', '=', 'withdrawn').executeTakeFirstOrThrow()).enabled).toBe(false);

    const ring = t.rt.ctx.secrets.keyRing;
    const dog = await addAvailableDog(db, 'Tumbleweed');
    const app = await addApplication(db, ring, { dogId: dog, name: 'Kim Reader', email: 'kim@example.org' });
    const page = `/r/alpha/hub/applications/${app.id}`;
    expect((await staff.get(page)).body).toContain('the “Withdrawn” email template is switched off');
    await staff.post(`${page}/decision`, { _csrf: await staff.csrf(page), action: 'review', expected: 'new', email: 'yes' });
    const withdrawn = await staff.post(`${page}/decision`, { _csrf: await staff.csrf(page), action: 'withdraw', expected: 'in_review', email: 'yes' });
    expect(withdrawn.headers.location).toContain('mail=off');
    const mails = (await queuedMail(db, ring)).filter((m) => m.to === 'kim@example.org');
    expect(mails.map((m) => [m.subject, m.text])).toEqual([['We are looking at Tumbleweed', 'Hi Kim Reader, from Alpha Rescue.']]);
  });

  it('is for admins only', async () => {
    expect((await staff.get(base)).statusCode).toBe(403);
    const res = await staff.post(`${base}/approved`, { _csrf: await staff.csrf('/r/alpha/hub/applications'), subject: 'x', body: 'y', intent: 'save' });
    expect(res.statusCode).toBe(403);
    expect((await admin.get(`${base}/new`)).statusCode).toBe(404);
  });
});
