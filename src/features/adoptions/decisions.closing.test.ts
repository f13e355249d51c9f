import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { outboxFileName } from '../../platform/mail/index.js';
import { parseEml } from '../../platform/mail/eml.js';
import type { KonaError } from '../../platform/errors/errors.js';
import { completeAdoption } from './decisions.complete.js';
import { addApplication, addAvailableDog, completionForm, queuedMail } from './decisions.testing.js';

// Closing an adoption (issue 13): the contract or an audited override, the fee record and its
// receipt number, the receipt emailed with the signed PDF, and the contract offered first.
describe.each(engines)('closing an adoption on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  const base = '/r/alpha/hub/applications';
  // The receipt numbers suggested carry the year on the injected clock (sessions follow it too, so it starts now).
  const clock = new ManualClock(Date.now());
  const year = new Date(clock.now()).getUTCFullYear();
  const post = async (id: string, step: string, form: Record<string, string>) => staff.post(`${base}/${id}/${step}`, { _csrf: await staff.csrf(`${base}/${id}`), ...form });
  const appStatus = async (id: string) => (await db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const dogStatus = async (id: string) => (await db.selectFrom('dogs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const completion = (id: string) => db.selectFrom('adoption_completions').selectAll().where('application_id', '=', id).executeTakeFirst();
  let n = 0;
  /** An approved application for a new available dog. */
  const approved = async (dogName = `Closer ${++n}`) => {
    const dog = await addAvailableDog(db, dogName);
    const app = await addApplication(db, ring, { dogId: dog, name: `Ann Adopter ${n}`, email: `ann${n}@example.org` });
    await post(app.id, 'decision', { action: 'review', expected: 'new' });
    expect((await post(app.id, 'decision', { action: 'approve', expected: 'in_review' })).statusCode).toBe(303);
    return { ...app, dog, dogName, email: `ann${n}@example.org` };
  };

  beforeAll(async () => {
    t = await createTestApp(engine, {}, { clock });
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
  });
  afterAll(() => t?.close());

  it('offers the contract first after approval, then completing, and denying last', async () => {
    const app = await approved('Firstly');
    const page = (await staff.get(`${base}/${app.id}`)).body;
    const at = (text: string) => page.indexOf(text);
    expect(at('Prepare the contract and email the link')).toBeGreaterThan(0);
    expect(at(`action="${base}/${app.id}/contract"`)).toBeGreaterThan(0);
    expect(at('Prepare the contract and email the link')).toBeLessThan(at('<h3 id="h-complete">'));
    expect(at('<h3 id="h-complete">')).toBeLessThan(at('<h3 id="h-deny">'));
    expect(at('<h3 id="h-complete">')).toBeLessThan(at('<h3 id="h-withdraw">'));
    // The completion form suggests the dog's fee and the next receipt number of the year.
    expect(page).toContain(`value="${year}-0001"`);
    expect(page).toContain('Complete without a signed contract');
  });

  it('refuses to complete without a signed contract unless overridden with a reason, keeping what was typed; the override is stored and audited', async () => {
    const app = await approved();
    const typed = { fee: '175.50', fee_method: 'cheque', receipt_number: 'CHQ 42' };
    const bare = await post(app.id, 'complete', completionForm({ ...typed, contract_override: '', override_reason: '' }));
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('The adopter has no contract yet: prepare it first. Wait for the signature, or tick');
    expect(bare.body).toContain('value="175.50"');
    expect(bare.body).toContain('value="CHQ 42"');
    expect(bare.body).toMatch(/<option value="cheque" selected/);
    const noReason = await post(app.id, 'complete', completionForm({ ...typed, override_reason: '  ' }));
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('is required: say why the adoption completes without a signed contract');
    expect([await appStatus(app.id), await dogStatus(app.dog)]).toEqual(['approved', 'adoption_pending']);
    expect(await completion(app.id)).toBeUndefined();

    const done = await post(app.id, 'complete', completionForm({ ...typed, override_reason: 'Signed on paper at the handover.', email_receipt: 'yes' }));
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toContain('receipt=queued');
    const row = (await completion(app.id))!;
    expect(row).toMatchObject({ fee_cents: 17550, fee_method: 'cheque', receipt_number: 'CHQ 42', contract_id: null, partner_dog_id: null });
    expect(row.contract_override_reason_enc).toMatch(/^v1:/);
    expect(ring.decrypt(row.contract_override_reason_enc!)).toBe('Signed on paper at the handover.');
    const audits = await db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'adoption.contract_overridden').where('target_id', '=', app.id).execute();
    expect(audits).toEqual([{ action: 'adoption.contract_overridden', detail: { dog: app.dog } }]);
    const page = (await staff.get(done.headers.location as string)).body;
    expect(page).toContain('The receipt was emailed to the adopter.');
    expect(page).toContain('<dt>Receipt number</dt><dd>CHQ 42</dd>');
    expect(page).toContain('175.50 (cheque)');
    expect(page).toContain('Completed without a signed contract: Signed on paper at the handover.');
    const receipt = (await queuedMail(db, ring)).filter((m) => m.to === app.email && m.subject.startsWith('Receipt'));
    expect(receipt.map((m) => m.subject)).toEqual([`Receipt CHQ 42: adoption of ${app.dogName}`]);
    expect(receipt[0]!.text).toContain('Adoption fee: €175.50');
    expect(receipt[0]!.text).toContain('Paid by: Cheque');
    expect(receipt[0]!.attachments).toBeUndefined();
  });

  it('validates the fee at the edge and keeps receipt numbers unique in the rescue', async () => {
    const app = await approved();
    const refused = async (form: Record<string, string>, message: string) => {
      const res = await post(app.id, 'complete', completionForm(form));
      expect(res.statusCode, message).toBe(400);
      expect(res.body, message).toContain(message);
      return res;
    };
    await refused({ fee: '50', fee_method: 'waived' }, 'must be 0 when the fee is waived');
    await refused({ fee: '0', fee_method: 'cash' }, 'choose &quot;Waived&quot; as the method when no fee was taken');
    await refused({ fee: 'lots' }, 'must be an amount like 150 or 150.00');
    await refused({ fee_method: 'barter' }, 'choose how the fee was paid');
    await refused({ receipt_number: '<b>' }, 'may hold only letters, digits, spaces and . _ / # -');
    const other = await approved();
    expect((await post(other.id, 'complete', completionForm({ receipt_number: 'R-7' }))).statusCode).toBe(303);
    const taken = await refused({ receipt_number: 'r-7', fee: '99' }, 'Receipt number r-7 is already used by another adoption at this rescue. Give another number.');
    expect(taken.body).toContain('value="99"');
    expect([await appStatus(app.id), await dogStatus(app.dog)]).toEqual(['approved', 'adoption_pending']);
    expect((await post(app.id, 'complete', completionForm({ fee: '', fee_method: 'waived' }))).statusCode).toBe(303);
    expect(await completion(app.id)).toMatchObject({ fee_cents: 0, fee_method: 'waived' });
    // The suggestion skips numbers of the year already taken.
    const third = await approved();
    expect((await post(third.id, 'complete', completionForm({ receipt_number: `${year}-0001` }))).statusCode).toBe(303);
    expect((await staff.get(`${base}/${(await approved()).id}`)).body).toContain(`value="${year}-0002"`);
  });

  it('gives a receipt number to only one of two adoptions completed at the same moment', async () => {
    const [first, second] = [await approved(), await approved()];
    const deps = { db, ring, jobs: t.rt.ctx.jobs, rescueName: 'Alpha Rescue' };
    const input = { expected: 'approved' as const, feeCents: 9000, feeMethod: 'online' as const, receiptNumber: 'RACE-1', overrideReason: 'Paper contract.', partner: 'together' as const, email: false, emailReceipt: false, emailOthers: false };
    const results = await Promise.allSettled([first, second].map((a) => completeAdoption(deps, a.id, input, { type: 'system' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as KonaError).status).toBe(400);
    expect((refused.reason as KonaError).options.fields).toEqual({ receipt_number: 'is already used by another adoption: give another number' });
    const statuses = await db.selectFrom('applications').select('status').where('id', 'in', [first.id, second.id]).execute();
    expect(statuses.map((r) => r.status).sort()).toEqual(['approved', 'completed']);
  });

  it('completes with the signed contract and emails the receipt with the PDF attached, byte for byte, sealed in the queue', async () => {
    const app = await approved('Signet');
    expect((await post(app.id, 'contract', {})).statusCode).toBe(303);
    const link = (await queuedMail(db, ring)).find((m) => m.to === app.email && m.subject.startsWith('Your adoption contract'))!;
    const signing = new URL(/https?:\/\/\S+\/contracts\/[A-Za-z0-9_-]{43}/.exec(link.text)![0]).pathname;
    const adopter = new Browser(t.app);
    expect((await adopter.submit(signing, signing, { typed_name: `Ann Adopter ${n}`, agree: 'yes', signature: '' })).statusCode).toBeLessThan(400);
    const page = (await staff.get(`${base}/${app.id}`)).body;
    expect(page).toContain('The adopter signed the contract on');
    expect(page).not.toContain('Complete without a signed contract');
    const pdf = (await staff.get(`${base}/${app.id}/contract.pdf`)).rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const res = await post(app.id, 'complete', completionForm({ contract_override: '', override_reason: '', receipt_number: 'SIG-1', email_receipt: 'yes' }));
    expect(res.statusCode).toBe(303);
    const contract = await db.selectFrom('adoption_contracts').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();
    expect(await completion(app.id)).toMatchObject({ contract_id: contract.id, contract_override_reason_enc: null });

    const job = await db.selectFrom('jobs').select(['id', 'payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const stored = JSON.stringify(job.payload);
    for (const leak of ['adoption-contract', 'application/pdf', pdf.toString('base64').slice(0, 60), 'SIG-1']) expect(stored).not.toContain(leak);
    const receipt = (await queuedMail(db, ring)).find((m) => m.subject === 'Receipt SIG-1: adoption of Signet')!;
    expect(receipt.text).toContain('Your signed adoption contract is attached');
    expect(receipt.attachments!.map((a) => [a.filename, a.contentType])).toEqual([['adoption-contract-Signet.pdf', 'application/pdf']]);
    expect(Buffer.from(receipt.attachments![0]!.content).equals(pdf)).toBe(true);

    // Delivered through the outbox, the .eml carries the same bytes.
    const date = new Date(clock.now());
    await t.rt.ctx.mailer.send(receipt, { folder: 'alpha', jobId: String(job.id), ref: 'c'.repeat(32), date });
    const eml = await parseEml(readFileSync(path.join(t.rt.ctx.config.outboxDir, 'alpha', outboxFileName(date, String(job.id)))));
    expect(eml.subject).toBe('Receipt SIG-1: adoption of Signet');
    expect(eml.attachments).toHaveLength(1);
    expect(eml.attachments[0]!.contentType).toBe('application/pdf');
    expect(eml.attachments[0]!.content.equals(pdf)).toBe(true);
  });
});
