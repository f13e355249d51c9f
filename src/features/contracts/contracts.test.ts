import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { encryptAnswers } from '../adoptions/adoptions.public.js';
import { upsertApplicantContact } from '../people/people.public.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../../platform/storage/index.js';
import { signContract } from './contracts.signing.js';

const UA = 'AdopterBrowser/1.0 (Contract test)';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.each(engines)('adoption contracts on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let ring: KeyRing;
  let staff: Browser;
  let admin: Browser;
  let viewer: Browser;
  let applicants = 0;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ring = t.rt.ctx.secrets.keyRing;
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
  });
  afterAll(() => t.close());

  /** A dog and an application for it by a new applicant, in the given status. */
  async function application(status: 'approved' | 'new' = 'approved') {
    const n = ++applicants;
    const microchip = `98511200${String(1000000 + n)}`;
    const dog = await db.insertInto('dogs').values({ name: `Biscuit ${n}`, size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', microchip, adoption_fee_cents: 25000 })
      .returning('id').executeTakeFirstOrThrow();
    const person = { name: `Harriet Adopter${n}`, email: `harriet${n}@example.org`, phone: '0123 456 789', address: `${n} Kennel Lane, Dogtown` };
    const { contactId } = await upsertApplicantContact(db, ring, person);
    const app = await db.insertInto('applications').values({ dog_id: dog.id, contact_id: contactId, status, answers_enc: encryptAnswers(ring, []), idempotency_key: randomUUID() })
      .returning('id').executeTakeFirstOrThrow();
    return { id: app.id, dogId: dog.id, microchip, ...person, page: `/r/alpha/hub/applications/${app.id}/contract` };
  }

  /** Prepares the contract as staff and returns the signing link's path from the queued email. */
  async function prepare(app: Awaited<ReturnType<typeof application>>): Promise<string> {
    const res = await staff.submit(app.page, app.page, {});
    expect(res.statusCode).toBe(303);
    const jobs = await db.selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').execute();
    const mails = jobs.map((j) => openMail(j.payload as unknown as SealedMail, ring)).filter((m) => m.to === app.email);
    expect(mails[0]!.subject).toBe(`Your adoption contract for Biscuit ${app.name.replace('Harriet Adopter', '')}`);
    return new URL(/https?:\/\/\S+\/contracts\/[A-Za-z0-9_-]{43}/.exec(mails[0]!.text)![0]).pathname;
  }

  const adopter = () => new Browser(t.app);
  const contractRow = (applicationId: string) => db.selectFrom('adoption_contracts').selectAll().where('application_id', '=', applicationId).where('superseded_at', 'is', null).executeTakeFirstOrThrow();

  it('prepares, emails the link, lets the adopter sign by typing, and stores a PDF with the hash, time, IP and user agent', async () => {
    const app = await application();
    const link = await prepare(app);
    const status = await staff.get(app.page);
    expect(status.body).toContain('Prepared, waiting for the adopter to sign');
    expect(status.body).toContain(app.address);

    const visitor = adopter();
    const page = await visitor.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    for (const text of [app.name, app.address, app.microchip, '250.00', 'Alpha Rescue']) expect(page.body).toContain(text);
    expect(page.body).toMatch(/src="\/assets\/signature\.[0-9a-f]{12}\.js"/);
    const signed = await visitor.submit(link, link, { typed_name: app.name, agree: 'yes', signature: '' }).then(async () => visitor.get(link));
    expect(signed.statusCode).toBe(410);
    expect(signed.body).toContain('already signed');

    const row = await contractRow(app.id);
    const text = ring.decrypt(row.body_enc);
    expect(row.signature_method).toBe('typed');
    expect(row.text_sha256).toBe(sha256(text));
    expect(ring.decrypt(row.signer_ip_enc!)).toBe('127.0.0.1');
    expect(ring.decrypt(row.signer_name_enc!)).toBe(app.name);

    const pdf = await staff.get(`${app.page}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="adoption-contract-[0-9a-f]{8}\.pdf"$/);
    expect(pdf.headers['cache-control']).toBe('private, no-store');
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(row.pdf_sha256);
    const doc = await PDFDocument.load(pdf.rawPayload);
    expect(doc.getKeywords()).toContain(`sha256:${row.text_sha256}`);
    expect(doc.getKeywords()).toContain(`signed:${row.signed_at!.toISOString()}`);
    expect(doc.getKeywords()).toContain('method:typed');

    const page2 = await staff.get(app.page);
    expect(page2.body).toContain('Download the signed contract (PDF)');
    expect(page2.body).toContain(row.text_sha256);
    const audits = await db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'contract.%').where('target_id', '=', row.id).orderBy('id').execute();
    expect(audits.map((a) => a.action)).toEqual(['contract.prepared', 'contract.signed', 'contract.downloaded']);
    expect(JSON.stringify(audits)).not.toMatch(/Harriet|Kennel|127\.0\.0\.1/);
  });

  it('keeps no PDF of a signing that lost a race for the same link', async () => {
    const app = await application();
    const token = (await prepare(app)).split('/').pop()!;
    const dir = await mkdtemp(path.join(tmpdir(), 'kona-contracts-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const store = new LocalBlobStore(dir);
    const keys: string[] = [];
    const put = store.putStream.bind(store);
    // Both signings must get past the open-link check before either marks the contract signed, or
    // the race this test is about does not happen: the first to store its PDF waits for the other.
    let arrived = 0;
    let bothThere!: () => void;
    const barrier = new Promise<void>((resolve) => (bothThere = resolve));
    store.putStream = async (...args) => {
      if (++arrived === 2) bothThere();
      await barrier;
      const r = await put(...args);
      keys.push(r.sha256);
      return r;
    };
    const deps = { db, ring, rescueName: 'Alpha Rescue' };
    const sign = (ms: number) => signContract(deps, store, token, { typed_name: app.name, agree: 'yes', signature: null }, { ipAddress: '192.0.2.1', userAgent: UA }, new Date(Date.now() + ms));
    const results = await Promise.allSettled([sign(0), sign(1000)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const row = await contractRow(app.id);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await store.exists(key)).toBe(key === row.pdf_sha256);
  });

  it('signs with a drawn signature, embedding the image, and records the user agent', async () => {
    const app = await application();
    const link = await prepare(app);
    const png = await sharp({ create: { width: 600, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: Buffer.from('<svg width="600" height="200"><path d="M10 150 C 100 10, 200 190, 590 40" stroke="black" stroke-width="4" fill="none"/></svg>') }])
      .png().toBuffer();
    const visitor = adopter();
    const csrf = await visitor.csrf(link);
    const res = await visitor.post(link, { _csrf: csrf, typed_name: app.name, agree: 'yes', signature: `data:image/png;base64,${png.toString('base64')}` }, { 'user-agent': UA });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you for signing');
    const row = await contractRow(app.id);
    expect(row.signature_method).toBe('drawn');
    expect(ring.decrypt(row.signer_ua_enc!)).toBe(UA);
    const pdf = await staff.get(`${app.page}.pdf`);
    expect(pdf.rawPayload.toString('latin1')).toMatch(/\/Subtype \/Image/);
    expect((await PDFDocument.load(pdf.rawPayload)).getKeywords()).toContain('method:drawn');
    // Single use: the same link cannot sign again.
    const again = await visitor.post(link, { _csrf: csrf, typed_name: app.name, agree: 'yes' });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('already signed');
  });

  it('refuses a signing without the name, the box or with an unreadable drawing, keeping what was typed', async () => {
    const app = await application();
    const link = await prepare(app);
    const visitor = adopter();
    const csrf = await visitor.csrf(link);
    const empty = await visitor.post(link, { _csrf: csrf, typed_name: '', signature: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('type your full name');
    expect(empty.body).toContain('tick the box');
    const bad = await visitor.post(link, { _csrf: csrf, typed_name: 'Harriet Typed', agree: 'yes', signature: 'data:image/png;base64,bm90IGEgcG5n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('the drawn signature could not be read');
    expect(bad.body).toContain('value="Harriet Typed"');
    expect((await contractRow(app.id)).signed_at).toBeNull();
  });

  it('answers unknown, expired, replaced and closed links with a clear message', async () => {
    const unknown = await adopter().get(`/r/alpha/contracts/${randomBytes(32).toString('base64url')}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('This signing link is not valid');
    expect((await adopter().get('/r/alpha/contracts/short')).statusCode).toBe(404);

    const app = await application();
    const first = await prepare(app);
    const second = await prepare(app);
    const replaced = await adopter().get(first);
    expect(replaced.statusCode).toBe(410);
    expect(replaced.body).toContain('sent a newer contract');
    expect((await adopter().get(second)).statusCode).toBe(200);

    await db.updateTable('applications').set({ status: 'withdrawn' }).where('id', '=', app.id).execute();
    const closedRes = await adopter().get(second);
    expect(closedRes.statusCode).toBe(410);
    expect(closedRes.body).toContain('has closed this application');
    await db.updateTable('applications').set({ status: 'approved' }).where('id', '=', app.id).execute();

    await db.updateTable('adoption_contracts').set({ expires_at: new Date(Date.now() - 1000) }).where('application_id', '=', app.id).where('superseded_at', 'is', null).execute();
    const visitor = adopter();
    const expired = await visitor.get(second);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired on');
    expect(await staff.get(app.page).then((r) => r.body)).toContain('Link expired');

    // The day it expired is the rescue's: 11:30 UTC on 1 March is already 2 March in Auckland.
    await db.updateTable('adoption_contracts').set({ expires_at: new Date('2024-03-01T11:30:00Z') }).where('application_id', '=', app.id).where('superseded_at', 'is', null).execute();
    await db.updateTable('rescue_settings').set({ time_zone: 'Pacific/Auckland' }).execute();
    try {
      expect((await adopter().get(second)).body).toMatch(/expired on 2 Mar 2024, 00:30/);
    } finally {
      await db.updateTable('rescue_settings').set({ time_zone: 'UTC' }).execute();
    }
    expect((await adopter().get(second)).body).toMatch(/expired on 1 Mar 2024, 11:30/);
  });

  it('lets staff neither sign through the link nor through the hub', async () => {
    const app = await application();
    const link = await prepare(app);
    const page = await staff.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('staff cannot sign for them');
    expect(page.body).not.toContain('Sign the contract</button>');
    const res = await staff.post(link, { _csrf: await staff.csrf('/r/alpha/hub'), typed_name: app.name, agree: 'yes' });
    expect(res.statusCode).toBe(403);
    expect((await contractRow(app.id)).signed_at).toBeNull();
  });

  it('prepares only for an approved application, only for staff who manage applications', async () => {
    const app = await application('new');
    const refused = await staff.submit(app.page, app.page, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Only an approved application gets a contract');
    expect(await db.selectFrom('adoption_contracts').select('id').where('application_id', '=', app.id).execute()).toHaveLength(0);
    const approved = await application();
    expect((await viewer.get(approved.page)).statusCode).toBe(200);
    expect((await viewer.post(approved.page, { _csrf: await viewer.csrf('/r/alpha/hub') })).statusCode).toBe(403);
    expect((await staff.get(`${approved.page}.pdf`)).statusCode).toBe(404);
  });

  it('keeps the contract text, the signer and their address and IP out of the database in clear', async () => {
    const app = await application();
    const link = await prepare(app);
    const visitor = adopter();
    await visitor.post(link, { _csrf: await visitor.csrf(link), typed_name: 'Unique Signer Name', agree: 'yes' }, { 'user-agent': UA });
    const rows = await sql<{ j: string }>`select row_to_json(c)::text as j from adoption_contracts c`.execute(db);
    const dump = rows.rows.map((r) => r.j).join('\n');
    expect(dump).toContain('v1:');
    for (const secret of [app.address, app.name, 'Unique Signer Name', '127.0.0.1', UA, 'ADOPTION AGREEMENT', link.split('/').pop()!]) expect(dump).not.toContain(secret);
  });

  it('lets an admin edit the template, refusing unknown placeholders with the text kept', async () => {
    const url = '/r/alpha/hub/adoptions/contract-template';
    const page = await admin.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('{{adopter_address}}');
    expect((await staff.get(url)).statusCode).toBe(403);
    const bad = await admin.submit(url, url, { body: 'Dear {{adopter_name}}, you owe {{fees}} for {{dog_name}}.' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('unknown placeholder: {{fees}}');
    expect(bad.body).toContain('you owe {{fees}}');
    const good = await admin.submit(url, url, { body: 'Custom terms for {{dog_name}} (chip {{dog_microchip}}), adopted by {{adopter_name}}.' });
    expect(good.statusCode).toBe(303);
    const app = await application();
    const link = await prepare(app);
    expect((await adopter().get(link)).body).toContain(`Custom terms for Biscuit ${app.name.replace('Harriet Adopter', '')} (chip ${app.microchip}), adopted by ${app.name}.`);
    expect(await db.selectFrom('audit_log').select('action').where('action', '=', 'contract.template_updated').execute()).toHaveLength(1);
  });
});
