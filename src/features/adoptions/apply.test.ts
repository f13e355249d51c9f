import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { openMail } from '../../platform/mail/index.js';
import { decryptAnswers } from './adoptions.public.js';
import { applicationRateLimit } from './apply.limits.js';
import { insertAdoptableDog } from './apply.testing.js';
import { listQuestions, type Question } from './questions.service.js';

const keyOf = (html: string) => /name="idempotency_key" value="([0-9a-f-]{36})"/.exec(html)![1]!;

describe.each(engines)('public adoption application on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  let questions: Question[];
  let dog: string;
  const base = '/r/alpha';

  /** Opens the form as a visitor and returns what a submission needs. */
  async function openForm(dogId = dog) {
    const visitor = new Browser(t.app);
    const page = await visitor.get(`${base}/dogs/${dogId}/apply`);
    return { visitor, page, csrf: csrfFrom(page.body), key: keyOf(page.body) };
  }
  function answers(overrides: Record<string, string> = {}): Record<string, string> {
    const out: Record<string, string> = { name: 'Ada Applicant', email: 'ada@example.org', phone: '07700 900001', address: '1 Garden Row' };
    for (const q of questions) out[`q_${q.id}`] = q.kind === 'choice' ? q.choices[0]! : q.kind === 'yes_no' ? 'yes' : `Answer to ${q.label}`;
    return { ...out, ...overrides };
  }
  const count = async (table: 'applications' | 'contacts' | 'application_events') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const mailJobs = () => db.selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').execute();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    await t.addStaff('alpha', 'admin');
    await t.addStaff('alpha', 'foster');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
    questions = await listQuestions(db, true);
    dog = await insertAdoptableDog(db, 'Bella');
  });
  beforeEach(async () => { await db.deleteFrom('application_attempts').execute(); });
  afterAll(() => t.close());

  it('shows the form for an adoptable dog with every active question and a fresh idempotency key, and links it from the dog page', async () => {
    const { page } = await openForm();
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<h1>Apply to adopt Bella</h1>');
    for (const q of questions) expect(page.body).toContain(`name="q_${q.id}"`);
    expect(keyOf(page.body)).not.toBe(keyOf((await openForm()).page.body));
    expect((await t.app.inject({ method: 'GET', url: `${base}/dogs/${dog}` })).body).toContain(`href="${base}/dogs/${dog}/apply"`);
  });

  it('refuses missing and bad answers with 400, naming them and keeping every answer', async () => {
    const { visitor, csrf, key } = await openForm();
    const required = questions.find((q) => q.required && q.kind === 'text')!;
    const choice = questions.find((q) => q.kind === 'choice')!;
    const form = answers({ email: 'not-an-email', [`q_${required.id}`]: '', [`q_${choice.id}`]: choice.choices[1]! });
    const res = await visitor.post(`${base}/dogs/${dog}/apply`, { _csrf: csrf, idempotency_key: key, ...form });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please correct 2 fields below.');
    expect(res.body).toContain('must be an email address');
    expect(res.body).toContain('needs an answer');
    // The summary links each problem to its field, named.
    expect(res.body).toMatch(/<li><a href="#f-email">Email: [^<]*must be an email address[^<]*<\/a><\/li>/);
    expect(res.body).toContain(`<a href="#f-q_${required.id}">${required.label}: `);
    expect(res.body).toContain(`id="f-q_${required.id}"`);
    expect(res.body).toContain('value="Ada Applicant"');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('1 Garden Row</textarea>');
    expect(res.body).toContain(`value="${choice.choices[1]}" checked`);
    const other = questions.find((q) => q.kind === 'text' && q.id !== required.id)!;
    expect(res.body).toContain(`Answer to ${other.label}</textarea>`);
    expect(keyOf(res.body)).toBe(key);
    expect(await count('applications')).toBe(0);
  });

  it('takes an application: encrypted answers, applicant contact, event, notification, confirmation email; a second submit creates nothing', async () => {
    const { visitor, csrf, key } = await openForm();
    const form = { _csrf: csrf, idempotency_key: key, ...answers() };
    const res = await visitor.post(`${base}/dogs/${dog}/apply`, form);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${base}/applications/received/[0-9a-f-]{36}\\?key=${key}$`));
    const done = await visitor.get(res.headers.location!);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Thank you for applying to adopt Bella.');
    const app = await db.selectFrom('applications').selectAll().executeTakeFirstOrThrow();
    expect(app).toMatchObject({ dog_id: dog, status: 'new', idempotency_key: key });
    expect(app.answers_enc).not.toContain('Answer to');
    expect(decryptAnswers(ring, app.answers_enc).map((a) => a.label)).toEqual(questions.map((q) => q.label));
    const contact = await db.selectFrom('contacts').selectAll().where('id', '=', app.contact_id).executeTakeFirstOrThrow();
    expect(contact.roles).toEqual(['applicant']);
    expect(JSON.stringify(contact)).not.toMatch(/Ada|example\.org|Garden|7700/);
    expect(await db.selectFrom('application_events').select(['kind', 'to_status']).where('application_id', '=', app.id).execute()).toEqual([{ kind: 'status', to_status: 'new' }]);
    const notes = await db.selectFrom('notifications').selectAll().where('kind', '=', 'application.new').execute();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatchObject({ title: 'New application for Bella', link: `/hub/applications/${app.id}` });
    expect(JSON.stringify(notes)).not.toContain('Ada');
    const jobs = await mailJobs();
    expect(jobs).toHaveLength(1);
    const mail = openMail(jobs[0]!.payload as never, ring);
    expect(mail).toMatchObject({ to: 'ada@example.org', subject: 'We received your application for Bella' });
    expect(mail.text).toContain('Hello Ada Applicant');
    expect(mail.text).toContain('Alpha Rescue');

    const again = await visitor.post(`${base}/dogs/${dog}/apply`, form);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(res.headers.location);
    expect([await count('applications'), await count('contacts'), await count('application_events'), (await mailJobs()).length]).toEqual([1, 1, 1, 1]);
  });

  it('rate-limits one address with a 429 that says when to retry and keeps the answers', async () => {
    for (let i = 0; i < applicationRateLimit.max; i++) {
      const { visitor, csrf, key } = await openForm();
      expect((await visitor.post(`${base}/dogs/${dog}/apply`, { _csrf: csrf, idempotency_key: key, ...answers({ name: `Applicant ${i}` }) })).statusCode).toBe(303);
    }
    const before = await count('applications');
    const { visitor, csrf, key } = await openForm();
    const res = await visitor.post(`${base}/dogs/${dog}/apply`, { _csrf: csrf, idempotency_key: key, ...answers({ name: 'Patient Person' }) });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
    expect(res.body).toMatch(/Please try again in \d+ minutes \(after \d\d:\d\d UTC\)/);
    expect(res.body).toContain('value="Patient Person"');
    expect(keyOf(res.body)).toBe(key);
    expect(await count('applications')).toBe(before);
  });

  it('refuses a dog that is not up for adoption with a clear 404, and a confirmation link with the wrong key', async () => {
    const adopted = await insertAdoptableDog(db, 'Gone', { status: 'adopted' });
    const held = await insertAdoptableDog(db, 'Held', { on_hold: true });
    for (const id of [adopted, held]) {
      const res = await t.app.inject({ method: 'GET', url: `${base}/dogs/${id}/apply` });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('This dog is not taking applications right now');
    }
    const { visitor, csrf, key } = await openForm();
    const res = await visitor.post(`${base}/dogs/${adopted}/apply`, { _csrf: csrf, idempotency_key: key, ...answers() });
    expect(res.statusCode).toBe(404);
    const app = await db.selectFrom('applications').select('id').executeTakeFirstOrThrow();
    expect((await visitor.get(`${base}/applications/received/${app.id}?key=${crypto.randomUUID()}`)).statusCode).toBe(404);
  });

  it('refuses a submission without a CSRF token', async () => {
    const { visitor, key } = await openForm();
    const res = await visitor.post(`${base}/dogs/${dog}/apply`, { idempotency_key: key, ...answers() });
    expect(res.statusCode).toBe(403);
  });

  it('renders an XSS payload in an applicant\'s name and answer as text in the hub', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    const text = questions.find((q) => q.kind === 'text')!;
    const { visitor, csrf, key } = await openForm();
    const res = await visitor.post(`${base}/dogs/${dog}/apply`, { _csrf: csrf, idempotency_key: key, ...answers({ name: '<script>alert(1)</script> Eve', email: 'eve@example.org', [`q_${text.id}`]: payload }) });
    expect(res.statusCode).toBe(303);
    const app = await db.selectFrom('applications').select(['contact_id']).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    const page = (await staff.get(`${base}/hub/people/${app.contact_id}`)).body;
    expect(page).toContain('&lt;script>alert(1)&lt;/script> Eve');
    expect(page).toContain('&lt;img src=x onerror=alert(1)>');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
  });
});
