import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog, completionForm, queuedMail } from './decisions.testing.js';

// A bonded pair: approving or completing an application for one dog asks what happens to the other,
// adopted together (the default) or it stays listed with the bond ended.
describe.each(engines)('adopting one dog of a bonded pair on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  const base = '/r/alpha/hub/applications';
  const post = async (url: string, form: Record<string, string>) => staff.post(url, { _csrf: await staff.csrf(base), ...form });
  const decide = (id: string, form: Record<string, string>) => post(`${base}/${id}/decision`, form);
  const dogs = (...ids: string[]) => Promise.all(ids.map(async (id) => db.selectFrom('dogs').select(['status', 'bonded_with', 'adopter_contact_id']).where('id', '=', id).executeTakeFirstOrThrow()));
  let pairs = 0;

  /** Two bonded available dogs and an application for the first, in review. */
  async function pair() {
    const k = ++pairs;
    const [a, b] = [await addAvailableDog(db, `Salt ${k}`), await addAvailableDog(db, `Pepper ${k}`)];
    expect((await post(`/r/alpha/hub/dogs/${a}/bond`, { partner: b })).statusCode).toBe(303);
    const app = await addApplication(db, ring, { dogId: a, name: `Pat Pair ${k}`, email: `pat${k}@example.org` });
    await decide(app.id, { action: 'review', expected: 'new' });
    return { a, b, app, k };
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
  });
  afterAll(() => t?.close());

  it('asks about the partner on approval, holds both by default, and adopts both on completion, telling the partner\'s other applicants', async () => {
    const { a, b, app, k } = await pair();
    const rival = await addApplication(db, ring, { dogId: b, name: `Rita Rival ${k}`, email: `rita${k}@example.org` });
    const page = (await staff.get(`${base}/${app.id}`)).body;
    expect(page).toContain(`Salt ${k} is bonded with Pepper ${k}. What happens to Pepper ${k}?`);
    expect(page).toMatch(/name="partner" value="together" checked/);
    expect((await decide(app.id, { action: 'approve', expected: 'in_review' })).statusCode).toBe(303);
    expect((await dogs(a, b)).map((d) => d.status)).toEqual(['adoption_pending', 'adoption_pending']);
    expect(await db.selectFrom('applications').select('partner_dog_id').where('id', '=', app.id).executeTakeFirstOrThrow()).toEqual({ partner_dog_id: b });
    const history = await db.selectFrom('dog_status_history').select('reason').where('dog_id', '=', b).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(history.reason).toBe(`Held with Salt ${k}: the adoption application for the bonded pair was approved.`);
    const approvedPage = (await staff.get(`${base}/${app.id}`)).body;
    expect(approvedPage).toContain(`Pepper ${k}, bonded with Salt ${k}, is held with it`);

    const res = await post(`${base}/${app.id}/complete`, completionForm({ email_others: 'yes', email_receipt: 'yes', receipt_number: `PAIR-${k}` }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('partner=together');
    const [dogA, dogB] = await dogs(a, b);
    expect([dogA!.status, dogB!.status]).toEqual(['adopted', 'adopted']);
    expect(dogB!.adopter_contact_id).toBe(app.contactId);
    expect(dogA!.bonded_with).toBe(b);
    expect((await db.selectFrom('applications').select('status').where('id', '=', rival.id).executeTakeFirstOrThrow()).status).toBe('closed');
    const mails = await queuedMail(db, ring);
    expect(mails.filter((m) => m.to === `rita${k}@example.org`).map((m) => m.subject)).toEqual([`Pepper ${k} has found a home`]);
    expect(mails.filter((m) => m.to === `pat${k}@example.org`).map((m) => m.subject)).toContain(`Receipt PAIR-${k}: adoption of Salt ${k} and Pepper ${k}`);
    expect(await db.selectFrom('adoption_completions').select('partner_dog_id').where('application_id', '=', app.id).executeTakeFirstOrThrow()).toEqual({ partner_dog_id: b });
    expect((await staff.get(res.headers.location as string)).body).toContain(`<dt>Adopted together with</dt><dd>Pepper ${k}</dd>`);
  });

  it('frees both dogs when the approval for the pair is withdrawn', async () => {
    const { a, b, app } = await pair();
    await decide(app.id, { action: 'approve', expected: 'in_review', partner: 'together' });
    expect((await decide(app.id, { action: 'withdraw', expected: 'approved' })).statusCode).toBe(303);
    expect((await dogs(a, b)).map((d) => d.status)).toEqual(['available', 'available']);
    expect(await db.selectFrom('applications').select('partner_dog_id').where('id', '=', app.id).executeTakeFirstOrThrow()).toEqual({ partner_dog_id: null });
  });

  it('lets the partner stay listed on approval: the bond is ended and audited, and only the one dog is adopted', async () => {
    const { a, b, app, k } = await pair();
    expect((await decide(app.id, { action: 'approve', expected: 'in_review', partner: 'stays' })).statusCode).toBe(303);
    expect(await dogs(a, b)).toEqual([
      { status: 'adoption_pending', bonded_with: null, adopter_contact_id: null },
      { status: 'available', bonded_with: null, adopter_contact_id: null },
    ]);
    const audits = await db.selectFrom('audit_log').select(['target_id', 'detail']).where('action', '=', 'dog.unbonded').where('target_id', 'in', [a, b]).orderBy('id').execute();
    expect(audits.map((x) => x.target_id)).toEqual([a, b]);
    expect(audits[0]!.detail).toEqual({ with: b, reason: `Pepper ${k} stays listed: the application for Salt ${k} was approved for Salt ${k} alone.` });
    expect((await post(`${base}/${app.id}/complete`, completionForm())).statusCode).toBe(303);
    expect((await dogs(a, b)).map((d) => d.status)).toEqual(['adopted', 'available']);
  });

  it('lets the partner stay listed on completion: the held partner is freed and the bond ended', async () => {
    const { a, b, app, k } = await pair();
    await decide(app.id, { action: 'approve', expected: 'in_review' });
    expect((await dogs(a, b)).map((d) => d.status)).toEqual(['adoption_pending', 'adoption_pending']);
    expect((await staff.get(`${base}/${app.id}`)).body).toContain(`Pepper ${k} stays listed: the bond between them is ended`);
    const res = await post(`${base}/${app.id}/complete`, completionForm({ partner: 'stays' }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).not.toContain('partner=');
    expect(await dogs(a, b)).toEqual([
      { status: 'adopted', bonded_with: null, adopter_contact_id: app.contactId },
      { status: 'available', bonded_with: null, adopter_contact_id: null },
    ]);
    const freed = await db.selectFrom('dog_status_history').select(['to_status', 'reason']).where('dog_id', '=', b).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(freed).toEqual({ to_status: 'available', reason: `Salt ${k} was adopted alone: the bond was ended and this dog stays listed.` });
  });

  it('refuses to hold the pair together while the partner is not available, changing nothing', async () => {
    const { a, b, app, k } = await pair();
    expect((await post(`/r/alpha/hub/dogs/${b}/status`, { to: 'medical_hold', reason: 'Sore paw' })).statusCode).toBe(303);
    const res = await decide(app.id, { action: 'approve', expected: 'in_review' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`Pepper ${k} (bonded with Salt ${k}) is medical hold, not available, so the pair cannot be held together.`);
    expect((await dogs(a, b)).map((d) => d.status)).toEqual(['available', 'medical_hold']);
    expect((await db.selectFrom('applications').select('status').where('id', '=', app.id).executeTakeFirstOrThrow()).status).toBe('in_review');
  });
});
