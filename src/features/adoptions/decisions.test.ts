import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { moveDogStatus } from '../dogs/dogs.public.js';
import { addApplication, addAvailableDog, queuedMail } from './decisions.testing.js';
import { decisionSchema } from './decisions.schema.js';
import { decide as decideNow } from './decisions.service.js';

describe.each(engines)('application decisions on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  let staffId: string;
  let viewer: Browser;
  const base = '/r/alpha/hub/applications';
  const decide = async (b: Browser, id: string, form: Record<string, string>) => b.post(`${base}/${id}/decision`, { _csrf: await b.csrf(`${base}/${id}`), ...form });
  const appRow = (id: string) => db.selectFrom('applications').select(['status', 'interview_at', 'decision_reason_enc', 'completed_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const dogRow = (id: string) => db.selectFrom('dogs').select(['status', 'adopter_contact_id']).where('id', '=', id).executeTakeFirstOrThrow();
  const mailTo = async (to: string) => (await queuedMail(db, ring)).filter((m) => m.to === to);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff, id: staffId } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
  });
  afterAll(() => t?.close());

  it('starts a review: status, history, audit, and the applicant emailed with the rendered template', async () => {
    const dog = await addAvailableDog(db, 'Nala');
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Rosa Díaz', email: 'rosa@example.org' });
    const res = await decide(staff, id, { action: 'review', expected: 'new', email: 'yes' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}/${id}?done=review&mail=queued`);
    expect((await appRow(id)).status).toBe('in_review');
    const mails = await mailTo('rosa@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Your application for Nala is being reviewed');
    expect(mails[0]!.text).toContain('Hello Rosa Díaz,');
    expect(mails[0]!.text).toContain('Alpha Rescue');
    const events = await db.selectFrom('application_events').select(['kind', 'from_status', 'to_status', 'actor_id']).where('application_id', '=', id).orderBy('created_at').execute();
    expect(events.map((e) => [e.kind, e.from_status, e.to_status, e.actor_id])).toEqual([['status', 'new', 'in_review', staffId], ['email', null, 'in_review', staffId]]);
    const audit = await db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'application.status_changed').where('target_id', '=', id).execute();
    expect(audit).toEqual([{ actor_id: staffId, detail: { from: 'new', to: 'in_review' } }]);
    const emailed = await db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'application.emailed').where('target_id', '=', id).execute();
    expect(emailed).toEqual([{ actor_id: staffId, detail: { template: 'in_review' } }]);
    const page = (await staff.get(res.headers.location as string)).body;
    expect(page).toContain('Done: the application is now in review. The applicant was emailed.');
    expect(page).toContain('<strong>Emailed the applicant: Your application for Nala is being reviewed</strong><span> by Sam Staff</span>');
  });

  it('queues no email when the box is unticked', async () => {
    const dog = await addAvailableDog(db, 'Tiko');
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Quiet Person', email: 'quiet@example.org' });
    const res = await decide(staff, id, { action: 'review', expected: 'new' });
    expect(res.headers.location).toBe(`${base}/${id}?done=review&mail=not-asked`);
    expect(await mailTo('quiet@example.org')).toEqual([]);
  });

  it('refuses a transition the table does not allow, and a stale form, with 409 and a clear message', async () => {
    const dog = await addAvailableDog(db, 'Pip');
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Ann Early', email: 'ann@example.org' });
    const refused = await decide(staff, id, { action: 'approve', expected: 'new', email: 'yes' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('This application is new, so &quot;Approve&quot; is not possible. Possible now: start review');
    expect((await appRow(id)).status).toBe('new');
    await decide(staff, id, { action: 'review', expected: 'new' });
    const stale = await decide(staff, id, { action: 'review', expected: 'new' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('This application was changed a moment ago: it is now in review, not new.');
    const reopened = await decide(staff, id, { action: 'reopen', expected: 'in_review' });
    expect(reopened.statusCode).toBe(409);
    // A stale denial keeps the reason typed: in the deny form (still offered), or shown apart once it is not.
    const staleDeny = await decide(staff, id, { action: 'deny', expected: 'new', reason: 'Typed <carefully>', email: 'yes' });
    expect(staleDeny.statusCode).toBe(409);
    expect(staleDeny.body).toContain('id="f-deny-reason"');
    expect(staleDeny.body).toMatch(/<textarea id="f-deny-reason"[^>]*>Typed &lt;carefully><\/textarea>/);
    await decide(staff, id, { action: 'withdraw', expected: 'in_review' });
    const lateDeny = await decide(staff, id, { action: 'deny', expected: 'in_review', reason: 'Too late now', email: 'yes' });
    expect(lateDeny.statusCode).toBe(409);
    expect(lateDeny.body).toContain('it is now withdrawn, not in review');
    expect(lateDeny.body).toContain('<p class="answer">Too late now</p>');
    expect(await mailTo('ann@example.org')).toEqual([]);
  });

  it('needs a date for an interview and a reason for a denial, and keeps what was typed', async () => {
    const dog = await addAvailableDog(db, 'Mochi');
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Ben Hopeful', email: 'ben@example.org' });
    const noDate = await decide(staff, id, { action: 'interview', expected: 'new' });
    expect(noDate.statusCode).toBe(400);
    expect(noDate.body).toContain('id="f-interview-interview_at-error">is required: give the interview date and time');
    expect(noDate.body).toMatch(/id="f-interview-email" name="email" value="yes"(?! checked)/);
    const badDate = await decide(staff, id, { action: 'interview', expected: 'new', interview_at: '2030-02-30T10:00', email: 'yes' });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.body).toContain('value="2030-02-30T10:00"');
    const noReason = await decide(staff, id, { action: 'deny', expected: 'new', reason: '  ', email: 'yes' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('is required: say why (the applicant is told)');
    expect((await appRow(id)).status).toBe('new');
    const ok = await decide(staff, id, { action: 'interview', expected: 'new', interview_at: '2030-05-14T10:30', email: 'yes' });
    expect(ok.statusCode).toBe(303);
    expect((await appRow(id)).interview_at?.toISOString()).toBe('2030-05-14T10:30:00.000Z');
    expect((await mailTo('ben@example.org'))[0]!.subject).toBe('Interview for Mochi: Tuesday 14 May 2030 at 10:30');
    const denied = await decide(staff, id, { action: 'deny', expected: 'interview_scheduled', reason: 'We need a home without cats.', email: 'yes' });
    expect(denied.statusCode).toBe(303);
    const row = await appRow(id);
    expect(row.status).toBe('denied');
    expect(row.decision_reason_enc).toMatch(/^v1:/);
    expect(ring.decrypt(row.decision_reason_enc!)).toBe('We need a home without cats.');
    expect((await mailTo('ben@example.org'))[1]!.text).toContain('We need a home without cats.');
  });

  it('keeps staff notes encrypted at rest and shows them as text', async () => {
    const dog = await addAvailableDog(db, 'Luna');
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Cara Note', email: 'cara@example.org', answers: [['Other pets?', '<script>alert(1)</script> two cats']] });
    const note = 'Called Cara: <b>lovely</b> garden, fence is 1.8 m.';
    const res = await staff.post(`${base}/${id}/notes`, { _csrf: await staff.csrf(`${base}/${id}`), note });
    expect(res.statusCode).toBe(303);
    const raw = await db.selectFrom('application_events').select('note_enc').where('application_id', '=', id).where('kind', '=', 'note').executeTakeFirstOrThrow();
    expect(raw.note_enc).toMatch(/^v1:/);
    expect(raw.note_enc).not.toContain('fence');
    const page = (await staff.get(`${base}/${id}`)).body;
    expect(page).toContain('Called Cara: &lt;b>lovely&lt;/b> garden, fence is 1.8 m.');
    expect(page).toContain('&lt;script>alert(1)&lt;/script> two cats');
    expect(page).not.toContain('<script>alert(1)</script>');
    const empty = await staff.post(`${base}/${id}/notes`, { _csrf: await staff.csrf(`${base}/${id}`), note: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('is required: write the note');
  });

  it('lets a viewer read but not act', async () => {
    const dog = await addAvailableDog(db, 'Olive');
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Vic Viewer-Test', email: 'vic@example.org' });
    const page = await viewer.get(`${base}/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Vic Viewer-Test');
    expect(page.body).not.toContain('/decision"');
    const res = await viewer.post(`${base}/${id}/decision`, { _csrf: await viewer.csrf(`${base}/${id}`), action: 'review', expected: 'new' });
    expect(res.statusCode).toBe(403);
    const note = await viewer.post(`${base}/${id}/notes`, { _csrf: await viewer.csrf(`${base}/${id}`), note: 'hi' });
    expect(note.statusCode).toBe(403);
    expect((await appRow(id)).status).toBe('new');
    const foster = (await signedInStaff(t, 'alpha', 'foster')).browser;
    expect((await foster.get(base)).statusCode).toBe(403);
  });

  it('makes a fostered dog available again, still with its foster, when its approved application is denied', async () => {
    const dog = await addAvailableDog(db, 'Couch');
    const { id: fosterId } = await signedInStaff(t, 'alpha', 'foster');
    await db.insertInto('foster_assignments').values({ dog_id: dog, foster_id: fosterId, started_on: '2024-04-01' }).execute();
    await db.updateTable('dogs').set({ foster_id: fosterId, whereabouts: 'foster' }).where('id', '=', dog).execute();
    const { id } = await addApplication(db, ring, { dogId: dog, name: 'Fostered Fan', email: 'fan@example.org' });
    await db.updateTable('applications').set({ status: 'in_review' }).where('id', '=', id).execute();
    expect((await decide(staff, id, { action: 'approve', expected: 'in_review' })).statusCode).toBe(303);
    expect((await dogRow(dog)).status).toBe('adoption_pending');
    expect((await decide(staff, id, { action: 'deny', expected: 'approved', reason: 'Changed our minds' })).statusCode).toBe(303);
    expect((await dogRow(dog)).status).toBe('available');
    expect(await db.selectFrom('dogs').select(['whereabouts', 'foster_id']).where('id', '=', dog).executeTakeFirstOrThrow()).toEqual({ whereabouts: 'foster', foster_id: fosterId });
  });

  it('approves only one of two applications approved at the same moment for a dog already on hold', async () => {
    const dog = await addAvailableDog(db, 'Twin');
    // Held with no approved application, as records from before the plain form refused it may be.
    await moveDogStatus(db, { id: dog, status: 'available' }, { to: 'adoption_pending', reason: 'Held by hand' }, { type: 'system' });
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const { id } = await addApplication(db, ring, { dogId: dog, name: `Racer ${n}`, email: `racer${n}@example.org` });
      await db.updateTable('applications').set({ status: 'in_review' }).where('id', '=', id).execute();
      ids.push(id);
    }
    const deps = { db, ring, jobs: t.rt.ctx.jobs, rescueName: 'Alpha Rescue' };
    const input = decisionSchema.parse({ action: 'approve', expected: 'in_review' });
    const results = await Promise.allSettled(ids.map((id) => decideNow(deps, id, input, { type: 'staff', id: staffId })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const approved = await db.selectFrom('applications').select('id').where('dog_id', '=', dog).where('status', '=', 'approved').execute();
    expect(approved).toHaveLength(1);
  });
});
