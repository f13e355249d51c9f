import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner } from '../../apps/web.js';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { createLogger } from '../../platform/logging/logger.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { addDays, rescueToday } from '../medical/medical.public.js';
import { createOperator } from '../operator/operator.public.js';
import { announceMaintenance } from './maintenance-announcements.js';
import { tenantFanOut } from '../../platform/tenancy/fan-out.js';
import { sendMedicalReminders } from './medical-reminders.js';
import { medicalDueJob } from './notifications.jobs.js';

type Member = { id: string; email: string; browser: Browser };
const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;
const local = (d: Date) => d.toISOString().slice(0, 16);

describe.each(engines)('notifications from foster notes, medical reminders and maintenance on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Member;
  let contact: Member;
  let otherStaff: Member;
  let foster: Member;
  const base = '/r/alpha/hub';
  const csrf = (b: Browser) => b.csrf(`${base}/dogs`);
  const titlesOf = async (staffId: string, kind?: string) =>
    (await db.selectFrom('notifications').select(['title', 'kind']).where('staff_id', '=', staffId).orderBy('created_at').execute())
      .filter((r) => !kind || r.kind === kind).map((r) => r.title);
  const addDog = async (name: string, staffContact = '') =>
    idFrom((await admin.browser.post(`${base}/dogs`, { _csrf: await csrf(admin.browser), name, size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', staff_contact_id: staffContact })).headers.location);
  const place = async (dog: string) => admin.browser.post(`${base}/dogs/${dog}/foster`, { _csrf: await csrf(admin.browser), foster: foster.id, started_on: rescueToday() });
  const note = async (who: Member, dog: string) => who.browser.post(`${base}/dogs/${dog}/notes`, { _csrf: await csrf(who.browser), body: 'Ate well, slept all afternoon.', back: 'dog' });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    admin = await signedInStaff(t, 'alpha', 'admin', { name: 'Ada Admin' });
    contact = await signedInStaff(t, 'alpha', 'staff', { name: 'Cora Contact' });
    otherStaff = await signedInStaff(t, 'alpha', 'staff', { name: 'Otto Other' });
    foster = await signedInStaff(t, 'alpha', 'foster', { name: 'Fern Foster', email: 'fern.foster@example.org' });
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('offers active admins and staff as a dog\'s staff contact, saves the choice, and refuses anyone else keeping what was typed', async () => {
    const form = (await admin.browser.get(`${base}/dogs/new`)).body;
    expect(form).toContain('<label for="f-staff_contact_id">Staff contact</label>');
    expect(form).toContain(`<option value="${contact.id}">Cora Contact</option>`);
    expect(form).not.toContain(`<option value="${foster.id}"`);
    const dog = await addDog('Juniper', contact.id);
    expect((await db.selectFrom('dogs').select('staff_contact_id').where('id', '=', dog).executeTakeFirstOrThrow()).staff_contact_id).toBe(contact.id);
    expect((await admin.browser.get(`${base}/dogs/${dog}/edit`)).body).toContain(`<option value="${contact.id}" selected>Cora Contact</option>`);
    expect((await admin.browser.get(`${base}/dogs/${dog}`)).body).toContain('<th scope="row">Staff contact</th><td>Cora Contact</td>');
    const refused = await admin.browser.post(`${base}/dogs`, { _csrf: await csrf(admin.browser), name: 'Wrong Contact', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', staff_contact_id: foster.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('is not an active admin or staff member here');
    expect(refused.body).toContain('value="Wrong Contact"');
    const malformed = await admin.browser.post(`${base}/dogs`, { _csrf: await csrf(admin.browser), name: 'Bad Id', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', staff_contact_id: 'nobody' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('choose a staff member from the list');
  });

  it('a foster\'s note notifies the dog\'s staff contact only; without a contact, all admins and staff; never the writer', async () => {
    const withContact = await addDog('Pico', contact.id);
    const without = await addDog('Mochi');
    await place(withContact);
    await place(without);
    expect((await note(foster, withContact)).statusCode).toBe(303);
    expect(await titlesOf(contact.id, 'foster.note')).toEqual(['New foster note on Pico']);
    expect(await titlesOf(admin.id, 'foster.note')).toEqual([]);
    expect(await titlesOf(otherStaff.id, 'foster.note')).toEqual([]);
    expect((await note(foster, without)).statusCode).toBe(303);
    for (const who of [admin, contact, otherStaff]) expect(await titlesOf(who.id, 'foster.note')).toContain('New foster note on Mochi');
    expect(await titlesOf(foster.id, 'foster.note')).toEqual([]);
    // The link goes to the dog; a staff member's own note notifies nobody.
    const row = await db.selectFrom('notifications').select(['link', 'body']).where('staff_id', '=', contact.id).where('title', '=', 'New foster note on Pico').executeTakeFirstOrThrow();
    expect(row).toEqual({ link: `/hub/dogs/${withContact}`, body: 'A foster wrote a note on Pico\'s record.' });
    const before = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    await note(contact, withContact);
    expect(await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual(before);
    expect((await contact.browser.get(`${base}/dogs`)).body).toContain('Notifications (2)');
  });

  it('the daily medical job notifies staff and mails the foster once per item and due date, however often it runs', async () => {
    const today = rescueToday();
    const dog = await addDog('Rosie', contact.id);
    await place(dog);
    const unfostered = await addDog('Biscuit');
    await db.insertInto('vaccinations').values([
      { dog_id: dog, type: 'rabies', given_on: addDays(today, -360), due_on: addDays(today, 5) },
      { dog_id: dog, type: 'dhpp', given_on: addDays(today, -400), due_on: addDays(today, -2) },
      { dog_id: dog, type: 'bordetella', given_on: addDays(today, -10), due_on: addDays(today, 60) },
      { dog_id: unfostered, type: 'leptospirosis', given_on: addDays(today, -300), due_on: addDays(today, 1) },
    ]).execute();
    await db.insertInto('treatments').values({ dog_id: dog, kind: 'medication', name: 'Apoquel', starts_on: addDays(today, -30), next_due_on: addDays(today, 3) }).execute();

    const tenantDb = (await t.rt.ctx.tenants.get('alpha'))!.db;
    const runner = await createJobRunner(t.rt, createLogger('silent'));
    for (const key of ['first', 'second']) {
      await enqueueJob(tenantDb, t.rt.jobs, medicalDueJob, {}, { idempotencyKey: `test:${key}` });
      await runner.runOnce();
    }
    const jobs = await db.selectFrom('jobs').select(['status', 'name', 'payload']).where('name', 'in', [medicalDueJob, 'mail.send']).execute();
    expect(jobs.filter((j) => j.name === medicalDueJob).map((j) => j.status)).toEqual(['succeeded', 'succeeded']);

    // Rosie's contact hears of her three due items; Biscuit has no contact, so all admins and staff hear of his.
    const contactTitles = await titlesOf(contact.id, 'vaccination.due');
    expect(contactTitles.filter((x) => x.includes('Rosie')).sort()).toEqual([
      `Apoquel for Rosie is due on ${addDays(today, 3)}`,
      `DHPP for Rosie is overdue (it was due on ${addDays(today, -2)})`,
      `Rabies for Rosie is due on ${addDays(today, 5)}`,
    ].sort());
    expect((await titlesOf(admin.id, 'vaccination.due')).filter((x) => x.includes('Rosie'))).toEqual([]);
    for (const who of [admin, contact, otherStaff]) expect((await titlesOf(who.id, 'vaccination.due')).filter((x) => x.includes('Biscuit'))).toHaveLength(1);

    // Three mails for the foster (one per Rosie item), none for Biscuit (not in foster), none twice.
    const mails = jobs.filter((j) => j.name === 'mail.send').map((j) => openMail(j.payload as unknown as SealedMail, t.rt.ctx.secrets.keyRing));
    expect(mails.map((m) => m.to)).toEqual(['fern.foster@example.org', 'fern.foster@example.org', 'fern.foster@example.org']);
    expect(mails.map((m) => m.subject).sort()).toEqual([`Rosie: Apoquel is due on ${addDays(today, 3)}`, 'Rosie: DHPP is overdue', `Rosie: Rabies is due on ${addDays(today, 5)}`].sort());
    expect(mails[0]!.text).toContain('Hello Fern Foster,');
    // The mail's address never sits in the jobs table in clear.
    expect(JSON.stringify(jobs)).not.toContain('fern.foster@example.org');

    // A third run, straight through the service, creates nothing.
    expect(await sendMedicalReminders({ db: tenantDb, jobs: t.rt.jobs, keyRing: t.rt.ctx.secrets.keyRing })).toEqual({ due: 4, notified: 0, fostersNotified: 0, mailed: 0 });
    // A new due date for the same item is a new reminder.
    await db.updateTable('vaccinations').set({ due_on: addDays(today, 6) }).where('dog_id', '=', dog).where('type', '=', 'rabies').execute();
    expect(await sendMedicalReminders({ db: tenantDb, jobs: t.rt.jobs, keyRing: t.rt.ctx.secrets.keyRing })).toEqual({ due: 4, notified: 1, fostersNotified: 1, mailed: 1 });
  });

  it('a maintenance window announced by the operator reaches every member of every active rescue, once', async () => {
    await t.addTenant('beta');
    const betaStaff = await t.addStaff('beta', 'staff');
    const betaFoster = await t.addStaff('beta', 'foster');
    const betaDb = (await t.rt.ctx.tenants.get('beta'))!.db.kysely;
    const op = await createOperator(t.rt.ctx.control.kysely, 'ops', { type: 'system' });
    const operator = new Browser(t.app);
    expect((await operator.submit('/operator/sign-in', '/operator/sign-in', { username: op.username, password: op.password })).statusCode).toBe(303);
    const start = new Date(Date.now() + 3 * 86_400_000);
    const res = await operator.submit('/operator/maintenance', '/operator/maintenance', { startsAt: local(start), endsAt: local(new Date(start.getTime() + 3_600_000)), message: 'Database upgrade' });
    expect(res.statusCode).toBe(303);
    const runner = await createJobRunner(t.rt, createLogger('silent'));
    await runner.runOnce();
    const announced = <R extends { kind: string }>(rows: R[]) => rows.filter((r) => r.kind === 'maintenance.announced');
    const betaRows = await betaDb.selectFrom('notifications').select(['staff_id', 'kind', 'title', 'body']).execute();
    expect(announced(betaRows).map((r) => r.staff_id).sort()).toEqual([betaStaff.id, betaFoster.id].sort());
    expect(announced(betaRows)[0]!.title).toMatch(/^Planned maintenance from .+ UTC to .+ UTC$/);
    expect(announced(betaRows)[0]!.body).toBe('Database upgrade');
    expect(await titlesOf(foster.id, 'maintenance.announced')).toHaveLength(1);
    const job = await t.rt.ctx.control.kysely.selectFrom('jobs').select(['status', 'payload']).where('name', '=', 'notifications.maintenance-announced').executeTakeFirstOrThrow();
    expect(job.status).toBe('succeeded');
    // Running the fan-out again tells nobody twice.
    const again = await announceMaintenance(t.rt.ctx.control.kysely, tenantFanOut(t.rt.ctx.control.kysely, () => t.rt.ctx.tenants), (job.payload as { windowId: string }).windowId);
    expect(again).toEqual({ tenants: 2, notified: 0, failed: [] });
  });
});
