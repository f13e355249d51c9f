import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { changeDogStatus } from '../dogs/dogs.public.js';
import { isInCareOf } from '../fosters/fosters.public.js';
import { addApplication, addAvailableDog, completionForm, queuedMail } from './decisions.testing.js';

describe.each(engines)('approving and completing adoptions on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  let staffId: string;
  const base = '/r/alpha/hub/applications';
  const post = async (id: string, path: string, form: Record<string, string>) => staff.post(`${base}/${id}/${path}`, { _csrf: await staff.csrf(`${base}/${id}`), ...form });
  const status = async (id: string) => (await db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const dogRow = (id: string) => db.selectFrom('dogs').select(['status', 'adopter_contact_id']).where('id', '=', id).executeTakeFirstOrThrow();
  const reviewAndApprove = async (id: string) => {
    await post(id, 'decision', { action: 'review', expected: 'new' });
    return post(id, 'decision', { action: 'approve', expected: 'in_review' });
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff, id: staffId } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
  });
  afterAll(() => t?.close());

  it('approving puts the dog on adoption pending (with history), and a second approval is refused', async () => {
    const dog = await addAvailableDog(db, 'Biscuit');
    const first = await addApplication(db, ring, { dogId: dog, name: 'Ada First', email: 'ada@example.org' });
    const second = await addApplication(db, ring, { dogId: dog, name: 'Bo Second', email: 'bo@example.org' });
    expect((await reviewAndApprove(first.id)).statusCode).toBe(303);
    expect(await status(first.id)).toBe('approved');
    expect((await dogRow(dog)).status).toBe('adoption_pending');
    const history = await db.selectFrom('dog_status_history').select(['from_status', 'to_status', 'reason', 'changed_by']).where('dog_id', '=', dog).orderBy('changed_at', 'desc').executeTakeFirstOrThrow();
    expect(history).toEqual({ from_status: 'available', to_status: 'adoption_pending', reason: 'Adoption application approved.', changed_by: staffId });
    const refused = await reviewAndApprove(second.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Another application for Biscuit is already approved.');
    expect(await status(second.id)).toBe('in_review');
  });

  it('denying the approved application returns the dog to available', async () => {
    const dog = await addAvailableDog(db, 'Pepper');
    const app = await addApplication(db, ring, { dogId: dog, name: 'Cy Changed-Mind', email: 'cy@example.org' });
    await reviewAndApprove(app.id);
    expect((await dogRow(dog)).status).toBe('adoption_pending');
    const res = await post(app.id, 'decision', { action: 'withdraw', expected: 'approved' });
    expect(res.statusCode).toBe(303);
    expect(await status(app.id)).toBe('withdrawn');
    expect((await dogRow(dog)).status).toBe('available');
  });

  it('refuses to approve while the dog is not available', async () => {
    const dog = await addAvailableDog(db, 'Waffles');
    await changeDogStatus(db, dog, { to: 'medical_hold', reason: 'Ear infection' }, { type: 'system' });
    const app = await addApplication(db, ring, { dogId: dog, name: 'Di Waiting', email: 'di@example.org' });
    const res = await reviewAndApprove(app.id);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Waffles is not available for adoption right now (status: medical hold).');
    expect((await dogRow(dog)).status).toBe('medical_hold');
  });

  it('completing adopts the dog, records the adopter, closes and emails the others, all at once', async () => {
    const dog = await addAvailableDog(db, 'Juniper');
    const winner = await addApplication(db, ring, { dogId: dog, name: 'Eve Winner', email: 'eve@example.org' });
    const other = await addApplication(db, ring, { dogId: dog, name: 'Fay Other', email: 'fay@example.org' });
    const third = await addApplication(db, ring, { dogId: dog, name: 'Gus Third', email: 'gus@example.org' });
    const denied = await addApplication(db, ring, { dogId: dog, name: 'Hal Denied', email: 'hal@example.org' });
    await post(third.id, 'decision', { action: 'review', expected: 'new' });
    await post(denied.id, 'decision', { action: 'deny', expected: 'new', reason: 'No garden.' });
    const early = await post(winner.id, 'complete', completionForm({ expected: 'new', email: 'yes', email_others: 'yes' }));
    expect(early.statusCode).toBe(409);
    await reviewAndApprove(winner.id);
    const res = await post(winner.id, 'complete', completionForm({ email: 'yes', email_others: 'yes', receipt_number: 'JUN-1' }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}/${winner.id}?done=complete&mail=queued&receipt=not-asked&closed=2&told=2`);
    expect(await dogRow(dog)).toEqual({ status: 'adopted', adopter_contact_id: winner.contactId });
    const done = await db.selectFrom('applications').select(['status', 'completed_at']).where('id', '=', winner.id).executeTakeFirstOrThrow();
    expect(done.status).toBe('completed');
    expect(done.completed_at).toBeInstanceOf(Date);
    expect([await status(other.id), await status(third.id), await status(denied.id)]).toEqual(['closed', 'closed', 'denied']);
    const roles = await db.selectFrom('contacts').select('roles').where('id', '=', winner.contactId).executeTakeFirstOrThrow();
    expect(roles.roles).toContain('adopter');
    const mails = await queuedMail(db, ring);
    expect(mails.filter((m) => m.to === 'eve@example.org').map((m) => m.subject)).toContain('Welcome home, Juniper');
    for (const to of ['fay@example.org', 'gus@example.org']) {
      const closed = mails.filter((m) => m.to === to);
      expect(closed.map((m) => m.subject), to).toEqual(['Juniper has found a home']);
      expect(closed[0]!.text).toContain('adopted by another family');
    }
    expect(mails.filter((m) => m.to === 'hal@example.org')).toEqual([]);
    const reopen = await post(denied.id, 'decision', { action: 'reopen', expected: 'denied' });
    expect(reopen.statusCode).toBe(409);
    expect(reopen.body).toContain('Juniper is no longer with the rescue (status: adopted), so this application cannot be reopened.');
    const page = (await staff.get(res.headers.location as string)).body;
    expect(page).toContain('The adoption is complete: the dog is now adopted. 2 other open applications were closed and 2 applicants emailed.');
    expect(page).toContain('Status: Completed (adopted)');
    expect(page).toContain(`<a href="${base}/${winner.id}/contract">Adoption contract</a>`);
    const audit = await db.selectFrom('audit_log').select('detail').where('action', '=', 'adoption.completed').where('target_id', '=', dog).execute();
    expect(audit).toEqual([{ detail: { application: winner.id, fee_method: 'cash', receipt_number: 'JUN-1', contract: 'override' } }]);
  });

  it('completing ends the dog\'s open foster placement on the completion day: the foster\'s care and notes stop', async () => {
    const foster = await signedInStaff(t, 'alpha', 'foster', { name: 'Flo Foster' });
    const dog = await addAvailableDog(db, 'Clementine');
    const today = new Date().toISOString().slice(0, 10);
    const placed = await staff.post(`/r/alpha/hub/dogs/${dog}/foster`, { _csrf: await staff.csrf('/r/alpha/hub/dogs'), foster: foster.id, started_on: today });
    expect(placed.statusCode).toBe(303);
    // The placement leaves the status alone: the dog in foster is still available (issue 13).
    expect(await db.selectFrom('dogs').select(['status', 'whereabouts']).where('id', '=', dog).executeTakeFirstOrThrow()).toEqual({ status: 'available', whereabouts: 'foster' });
    expect(await isInCareOf(db, dog, foster.id)).toBe(true);
    expect((await foster.browser.get('/r/alpha/hub/my-dogs')).body).toContain('Clementine');
    const app = await addApplication(db, ring, { dogId: dog, name: 'Kit Keeper', email: 'kit@example.org' });
    await reviewAndApprove(app.id);
    const res = await post(app.id, 'complete', completionForm());
    expect(res.statusCode).toBe(303);
    const placement = await db.selectFrom('foster_assignments').select(['ended_by']).select((eb) => eb.fn<string>('to_char', [eb.ref('ended_on'), eb.val('YYYY-MM-DD')]).as('ended_on'))
      .where('dog_id', '=', dog).executeTakeFirstOrThrow();
    expect(placement).toEqual({ ended_on: today, ended_by: staffId });
    expect((await db.selectFrom('dogs').select('foster_id').where('id', '=', dog).executeTakeFirstOrThrow()).foster_id).toBeNull();
    expect(await isInCareOf(db, dog, foster.id)).toBe(false);
    expect((await foster.browser.get('/r/alpha/hub/my-dogs')).body).not.toContain('Clementine');
    const note = await foster.browser.post(`/r/alpha/hub/dogs/${dog}/notes`, { _csrf: await foster.browser.csrf('/r/alpha/hub/my-dogs'), body: 'Still here?', back: 'dog' });
    expect(note.statusCode).toBe(404); // not in their care any more: the dog scope answers as if there were no dog
    const audit = await db.selectFrom('audit_log').select('detail').where('action', '=', 'foster.ended').where('target_id', '=', dog).execute();
    expect(audit).toEqual([{ detail: { foster_id: foster.id, ended_on: today, reason: 'adopted' } }]);
  });

  it('refuses to complete when the dog is no longer adoption pending, changing nothing', async () => {
    const dog = await addAvailableDog(db, 'Marlowe');
    const app = await addApplication(db, ring, { dogId: dog, name: 'Ivy Unlucky', email: 'ivy@example.org' });
    const other = await addApplication(db, ring, { dogId: dog, name: 'Jo Waiting', email: 'jo@example.org' });
    await reviewAndApprove(app.id);
    // The plain status form can no longer move a held dog; a record from before that rule (or a direct
    // database edit) still can be in this state, and completing must still refuse it.
    await db.updateTable('dogs').set({ status: 'medical_hold' }).where('id', '=', dog).execute();
    const before = (await queuedMail(db, ring)).length;
    const res = await post(app.id, 'complete', completionForm({ email: 'yes', email_others: 'yes' }));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Marlowe is medical hold, not adoption pending, so the adoption cannot be completed.');
    expect([await status(app.id), await status(other.id)]).toEqual(['approved', 'new']);
    expect(await dogRow(dog)).toEqual({ status: 'medical_hold', adopter_contact_id: null });
    expect((await queuedMail(db, ring)).length).toBe(before);
  });
});
