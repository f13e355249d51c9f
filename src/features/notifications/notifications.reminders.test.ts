import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog } from '../adoptions/decisions.testing.js';
import { assignFoster } from '../fosters/fosters.public.js';
import { addDays } from '../medical/medical.public.js';
import { sendInterviewReminders } from './interview-reminders.js';
import { sendMedicalReminders } from './medical-reminders.js';

type Member = { id: string; browser: Browser };
// Interviews are scheduled through the real form, which refuses past dates by the wall clock; the
// reminder runs read the ManualClock, set relative to that day, so no test waits for a day to pass.
const realToday = new Date().toISOString().slice(0, 10);
const at = (day: string, time: string) => Date.parse(`${day}T${time}:00Z`);

describe.each(engines)('daily reminders: interviews tomorrow and medical items due in a foster\u2019s care on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let scheduler: Member;
  let contact: Member;
  let bystander: Member;
  let admin: Member;
  let foster: Member;
  const clock = new ManualClock(0);
  const noticesOf = (staffId: string, kind: string) =>
    db.selectFrom('notifications').select(['title', 'link', 'body']).where('staff_id', '=', staffId).where('kind', '=', kind as never).orderBy('created_at').execute();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    admin = await signedInStaff(t, 'alpha', 'admin');
    scheduler = await signedInStaff(t, 'alpha', 'staff', { name: 'Sid Scheduler' });
    contact = await signedInStaff(t, 'alpha', 'staff', { name: 'Cora Contact' });
    bystander = await signedInStaff(t, 'alpha', 'staff', { name: 'Bea Bystander' });
    foster = await signedInStaff(t, 'alpha', 'foster', { name: 'Fern Foster' });
  });
  afterAll(() => t.close());

  async function schedule(applicationId: string, expected: string, when: string) {
    const page = `/r/alpha/hub/applications/${applicationId}`;
    const res = await scheduler.browser.post(`${page}/decision`, { _csrf: await scheduler.browser.csrf(page), action: 'interview', expected, interview_at: when });
    expect(res.statusCode).toBe(303);
  }

  it('tells whoever scheduled an interview and the dog\u2019s contact on the eve, once, and again when it moves to another day', async () => {
    const dogId = await addAvailableDog(db, 'Pepper');
    await db.updateTable('dogs').set({ staff_contact_id: contact.id }).where('id', '=', dogId).execute();
    const app = await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId, name: 'Jo Applicant', email: 'jo@example.org' });
    const day = addDays(realToday, 3);
    await schedule(app.id, 'new', `${day}T10:30`);

    clock.set(at(addDays(day, -2), '06:10'));
    expect(await sendInterviewReminders(db, clock.now())).toEqual({ interviews: 0, notified: 0 });
    clock.set(at(addDays(day, -1), '06:10'));
    expect(await sendInterviewReminders(db, clock.now())).toEqual({ interviews: 1, notified: 2 });
    expect(await sendInterviewReminders(db, clock.now())).toEqual({ interviews: 1, notified: 0 });
    clock.advance(6 * 3_600_000);
    expect(await sendInterviewReminders(db, clock.now())).toEqual({ interviews: 1, notified: 0 });
    for (const who of [scheduler, contact]) {
      const notices = await noticesOf(who.id, 'interview.tomorrow');
      expect(notices).toEqual([{ title: 'Interview tomorrow about adopting Pepper, at 10:30 UTC', link: `/hub/applications/${app.id}`, body: '' }]);
    }
    expect(await noticesOf(bystander.id, 'interview.tomorrow')).toEqual([]);
    expect(JSON.stringify(await db.selectFrom('notifications').selectAll().execute())).not.toMatch(/Jo Applicant|jo@example\.org/);

    // Moved two days on: nothing new until the eve of the new day, then one more each.
    const later = addDays(day, 2);
    await schedule(app.id, 'interview_scheduled', `${later}T14:00`);
    clock.set(at(day, '06:10'));
    expect(await sendInterviewReminders(db, clock.now())).toEqual({ interviews: 0, notified: 0 });
    clock.set(at(addDays(later, -1), '06:10'));
    expect(await sendInterviewReminders(db, clock.now())).toEqual({ interviews: 1, notified: 2 });
    expect((await noticesOf(scheduler.id, 'interview.tomorrow')).map((n) => n.title)).toEqual([
      'Interview tomorrow about adopting Pepper, at 10:30 UTC', 'Interview tomorrow about adopting Pepper, at 14:00 UTC',
    ]);
  });

  it('falls back to every admin and staff member when nobody scheduled it and the dog has no contact', async () => {
    const dogId = await addAvailableDog(db, 'Nutmeg');
    const app = await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId, name: 'Kim Applicant', email: 'kim@example.org' });
    const day = addDays(realToday, 30);
    await db.updateTable('applications').set({ status: 'interview_scheduled', interview_at: new Date(at(day, '09:00')) }).where('id', '=', app.id).execute();
    clock.set(at(addDays(day, -1), '20:00'));
    const run = await sendInterviewReminders(db, clock.now());
    expect(run.interviews).toBe(1);
    for (const who of [admin, scheduler, contact, bystander]) expect((await noticesOf(who.id, 'interview.tomorrow')).filter((n) => n.title.includes('Nutmeg')), who.id).toHaveLength(1);
    expect(await noticesOf(foster.id, 'interview.tomorrow')).toEqual([]);
  });

  it('tells a foster of medical items due for the dogs in their care only, once per item and due date', async () => {
    const today = '2031-01-10';
    clock.set(at(today, '06:00'));
    const mine = await addAvailableDog(db, 'Rosie');
    const notMine = await addAvailableDog(db, 'Biscuit');
    await assignFoster({ db, keyRing: t.rt.ctx.secrets.keyRing }, mine, { foster: foster.id, started_on: realToday }, { type: 'system' });
    await db.insertInto('treatments').values([
      { dog_id: mine, kind: 'medication', name: 'Apoquel', starts_on: '2030-12-01', next_due_on: addDays(today, 2) },
      { dog_id: notMine, kind: 'medication', name: 'Wormer', starts_on: '2030-12-01', next_due_on: addDays(today, 1) },
    ]).execute();
    const deps = { db: (await t.rt.ctx.tenants.get('alpha'))!.db, jobs: t.rt.jobs, keyRing: t.rt.ctx.secrets.keyRing, now: () => clock.now() };

    const first = await sendMedicalReminders(deps);
    expect(first.fostersNotified).toBe(1);
    expect(await noticesOf(foster.id, 'medical.due')).toEqual([{ title: `Apoquel for Rosie is due on ${addDays(today, 2)}`, link: `/hub/dogs/${mine}/medical`, body: '' }]);
    expect(await noticesOf(foster.id, 'vaccination.due')).toEqual([]);
    // Staff still hear of both dogs' items; the foster's notice is not theirs.
    expect((await noticesOf(admin.id, 'vaccination.due')).map((n) => n.title).sort()).toEqual([`Apoquel for Rosie is due on ${addDays(today, 2)}`, `Wormer for Biscuit is due on ${addDays(today, 1)}`]);
    expect(await noticesOf(admin.id, 'medical.due')).toEqual([]);

    clock.advance(3_600_000);
    expect(await sendMedicalReminders(deps)).toMatchObject({ notified: 0, fostersNotified: 0, mailed: 0 });
    // A dose given moves the due date on: the new date is news again, the next day.
    await db.updateTable('treatments').set({ next_due_on: addDays(today, 5) }).where('dog_id', '=', mine).execute();
    clock.advance(86_400_000);
    expect((await sendMedicalReminders(deps)).fostersNotified).toBe(1);
    expect(await noticesOf(foster.id, 'medical.due')).toHaveLength(2);
  });
});
