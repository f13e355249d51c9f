import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { ControlSchema, TenantSchema } from '../../platform/db/schema.js';
import { vetCookie } from '../../platform/http/sessions.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { addApplication, addAvailableDog, queuedMail } from '../adoptions/decisions.testing.js';
import { documentFile, samplePdf, uploadDocument } from '../medical/documents.testing.js';
import { addVaccination } from '../medical/medical.public.js';
import { multipartBody, type Part } from '../photos/photos.testing.js';
import { grantRefusalMessage } from './grants.js';
import { rescueStore } from './uploads.js';
import { addTestVet, vetSessionFor, type TestVet } from './vets.testing.js';

const DAY = 86_400_000;

describe.each(engines)('vet access under a grant on %s', (engine) => {
  const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let control: Kysely<ControlSchema>;
  let staff: Browser;
  let staffId: string;
  let vet: TestVet;
  let vetBrowser: Browser;
  let dogA: string;
  let dogB: string;
  let docA: string;
  let docB: string;

  async function signedInVet(v: TestVet): Promise<Browser> {
    const browser = new Browser(t.app);
    browser.setCookie(vetCookie(t.rt.ctx.config).name, await vetSessionFor(control, v.id));
    return browser;
  }

  async function grant(dogId: string, options: { vetId?: string; slug?: string; days?: number } = {}): Promise<string> {
    const now = clock.now();
    const row = await control.insertInto('vet_access_requests').values({
      vet_id: options.vetId ?? vet.id, tenant_slug: options.slug ?? 'alpha', dog_id: dogId, reason_enc: t.rt.ctx.secrets.keyRing.encrypt('Treating the dog'),
      status: 'approved', decided_by: staffId, decided_at: new Date(now), expires_at: new Date(now + (options.days ?? 30) * DAY),
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async function vetUpload(browser: Browser, grantId: string, fields: Record<string, string>, file?: Part, csrf?: string): Promise<LightMyRequestResponse> {
    const token = csrf ?? (await browser.csrf(`/vet/access/${grantId}`));
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, ...Object.entries(fields).map(([name, value]) => ({ name, value })), ...(file ? [file] : [])]);
    const cookie = Object.entries(browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: `/vet/access/${grantId}/uploads`, payload, headers: { 'content-type': contentType, cookie } });
  }

  const countAudit = async (action: string) => ({
    tenant: (await db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length,
    control: (await control.selectFrom('audit_log').select('id').where('action', '=', action).where('tenant_slug', '=', 'alpha').execute()).length,
  });

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_DOCUMENT_MAX_MB: '1', KONA_SESSION_IDLE_MINUTES: '100000', KONA_SESSION_ABSOLUTE_HOURS: '10000' }, { clock });
    await t.addTenant('alpha');
    await t.addTenant('beta');
    control = t.rt.ctx.control.kysely;
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const signed = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staffer' });
    staff = signed.browser;
    staffId = signed.id;
    dogA = await addAvailableDog(db, 'Biscuit');
    dogB = await addAvailableDog(db, 'Crumpet');
    await db.updateTable('dogs').set({ breeds: ['Collie cross'], sex: 'female', birth_date: '2022-05-01' }).where('id', '=', dogA).execute();
    // People around dog A the vet must never see: a foster and an applicant.
    const foster = await t.addStaff('alpha', 'foster', { name: 'Fiona Fosterling' });
    await db.updateTable('dogs').set({ foster_id: foster.id, whereabouts: 'foster' }).where('id', '=', dogA).execute();
    await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId: dogA, name: 'Adam Applicantson', email: 'adam@example.org' });
    await addVaccination(db, dogA, { type: 'rabies', label: '', given_on: '2026-06-01', due_on: '2027-06-01', given_by: 'Fiona Fosterling', notes: 'Adam Applicantson asked' }, { type: 'staff', id: staffId });
    // An approved photo whose variant the grant serves.
    const store = rescueStore(t.rt.ctx, 'alpha');
    const jpeg = await samplePhoto({ width: 40, height: 30 });
    const put = await store.putStream(Readable.from([jpeg]), { maxBytes: jpeg.byteLength });
    await db.insertInto('dog_photos').values({ dog_id: dogA, sha256: put.sha256, variants: JSON.stringify({ 'medium.jpg': put.sha256 }), width: 40, height: 30, status: 'approved', is_primary: true }).execute();
    for (const [dog, title] of [[dogA, 'Rabies certificate'], [dogB, 'Crumpet bloods']] as const) {
      const res = await uploadDocument(t, staff, 'alpha', dog, documentFile(await samplePdf(title), `${title}.pdf`, 'application/pdf'), { title });
      expect(res.statusCode).toBe(303);
    }
    docA = (await db.selectFrom('medical_documents').select('id').where('dog_id', '=', dogA).executeTakeFirstOrThrow()).id;
    docB = (await db.selectFrom('medical_documents').select('id').where('dog_id', '=', dogB).executeTakeFirstOrThrow()).id;
    vet = await addTestVet(control, t.rt.ctx.secrets.keyRing, { name: 'Dr Vera Vetson' });
    vetBrowser = await signedInVet(vet);
  });
  afterAll(() => t?.close());

  it('shows a granted vet the record, the photo and a document, nothing about people, and audits each view on both sides', async () => {
    const id = await grant(dogA);
    const page = await vetBrowser.get(`/vet/access/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Biscuit');
    expect(page.body).toContain('Collie cross');
    expect(page.body).toContain('Rabies');
    expect(page.body).toContain('Rabies certificate');
    for (const person of ['Fiona Fosterling', 'Adam Applicantson', 'adam@example.org', 'Sam Staffer']) expect(page.body).not.toContain(person);
    expect(page.body).not.toContain('Crumpet');

    const photo = await vetBrowser.get(`/vet/access/${id}/photo`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['cache-control']).toBe('private, no-store');
    expect((await sharp(photo.rawPayload).metadata()).format).toBe('jpeg');

    const file = await vetBrowser.get(`/vet/access/${id}/documents/${docA}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="rabies-certificate-[0-9a-f]{8}\.pdf"$/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');

    expect(await countAudit('vet.record_viewed')).toEqual({ tenant: 1, control: 1 });
    expect(await countAudit('vet.document_downloaded')).toEqual({ tenant: 1, control: 1 });
    const entry = await control.selectFrom('audit_log').selectAll().where('action', '=', 'vet.document_downloaded').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_type: 'vet', actor_id: vet.id, target_id: dogA, tenant_slug: 'alpha' });
  });

  it("keeps a grant for one dog away from another dog's document", async () => {
    const id = await grant(dogA);
    const res = await vetBrowser.get(`/vet/access/${id}/documents/${docB}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Crumpet bloods');
  });

  it('refuses another vet, a forged uuid and a non-uuid with the one same 403', async () => {
    const id = await grant(dogA);
    const other = await signedInVet(await addTestVet(control, t.rt.ctx.secrets.keyRing));
    const unverified = await signedInVet(await addTestVet(control, t.rt.ctx.secrets.keyRing, { status: 'pending' }));
    const answers = [
      await other.get(`/vet/access/${id}`, { accept: 'application/json' }),
      await other.get(`/vet/access/${id}/documents/${docA}`, { accept: 'application/json' }),
      await unverified.get(`/vet/access/${id}`, { accept: 'application/json' }),
      await vetBrowser.get('/vet/access/6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', { accept: 'application/json' }),
      await vetBrowser.get('/vet/access/not-a-grant', { accept: 'application/json' }),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'KONA_ERR_FORBIDDEN' });
      expect(res.body).toContain(grantRefusalMessage);
    }
    const bodies = new Set(answers.map((r) => { const b = JSON.parse(r.body) as Record<string, unknown>; delete b.requestId; delete b.instance; return JSON.stringify(b); }));
    expect(bodies.size).toBe(1);
  });

  it('takes a message: encrypted at rest, staff notified, audited; a staff reply emails the vet without its text', async () => {
    const id = await grant(dogA);
    const empty = await vetBrowser.post(`/vet/access/${id}/messages`, { _csrf: await vetBrowser.csrf(`/vet/access/${id}`), body: '   ' });
    expect(empty.statusCode).toBe(400);
    const tooLong = await vetBrowser.post(`/vet/access/${id}/messages`, { _csrf: await vetBrowser.csrf(`/vet/access/${id}`), body: 'x'.repeat(4001) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('x'.repeat(4001));
    const sent = await vetBrowser.post(`/vet/access/${id}/messages`, { _csrf: await vetBrowser.csrf(`/vet/access/${id}`), body: 'Limping on the left hind leg since Tuesday.' });
    expect(sent.statusCode).toBe(303);
    const [row] = await db.selectFrom('vet_messages').selectAll().where('grant_id', '=', id).execute();
    expect(row).toMatchObject({ author_type: 'vet', author_id: vet.id, dog_id: dogA });
    expect(row!.body_enc).not.toContain('Limping');
    const notices = await db.selectFrom('notifications').select(['kind', 'link', 'body', 'title']).where('kind', '=', 'vet.message').execute();
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]!.link).toBe(`/hub/vet-grants/${id}`);
    expect(JSON.stringify(notices)).not.toContain('Limping');
    expect(await countAudit('vet.message_posted')).toMatchObject({ tenant: 1, control: 1 });
    expect(JSON.stringify(await control.selectFrom('audit_log').select('detail').execute())).not.toContain('Limping');

    const hub = await staff.get(`/r/alpha/hub/vet-grants/${id}`);
    expect(hub.statusCode).toBe(200);
    expect(hub.body).toContain('Limping on the left hind leg');
    expect(hub.body).toContain('Dr Vera Vetson');
    expect(hub.body).toContain(vet.licence);
    const reply = await staff.post(`/r/alpha/hub/vet-grants/${id}/messages`, { _csrf: await staff.csrf(`/r/alpha/hub/vet-grants/${id}`), body: 'Thanks, she is resting now.' });
    expect(reply.statusCode).toBe(303);
    const mail = (await queuedMail(control as never, t.rt.ctx.secrets.keyRing)).filter((m) => m.to === vet.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain(`/vet/access/${id}`);
    expect(mail[0]!.text).not.toContain('resting');
    expect((await vetBrowser.get(`/vet/access/${id}`)).body).toContain('Thanks, she is resting now.');
  });

  it('holds an uploaded PDF as pending until staff accept it into the dog\'s documents', async () => {
    const id = await grant(dogA);
    const pdf = await samplePdf('X-ray report');
    const res = await vetUpload(vetBrowser, id, { title: 'X-ray report' }, documentFile(pdf, 'xray.pdf', 'application/pdf'));
    expect(res.statusCode).toBe(303);
    const upload = await db.selectFrom('vet_uploads').selectAll().where('grant_id', '=', id).executeTakeFirstOrThrow();
    expect(upload).toMatchObject({ status: 'pending', dog_id: dogA, vet_id: vet.id, content_type: 'application/pdf', title: 'X-ray report', size_bytes: pdf.byteLength });
    expect(await rescueStore(t.rt.ctx, 'alpha').exists(upload.sha256)).toBe(true);
    expect(await db.selectFrom('notifications').select('id').where('kind', '=', 'vet.upload').where('link', '=', `/hub/vet-grants/${id}`).execute()).not.toHaveLength(0);
    expect(await db.selectFrom('medical_documents').select('id').where('sha256', '=', upload.sha256).execute()).toHaveLength(0);

    // The same bytes attached to another dog and deleted there stay stored: the pending upload holds them.
    expect((await uploadDocument(t, staff, 'alpha', dogB, documentFile(pdf, 'same.pdf', 'application/pdf'), { title: 'Same bytes' })).statusCode).toBe(303);
    const copy = await db.selectFrom('medical_documents').select('id').where('dog_id', '=', dogB).where('sha256', '=', upload.sha256).executeTakeFirstOrThrow();
    const deleted = await staff.post(`/r/alpha/hub/dogs/${dogB}/documents/${copy.id}/delete`, { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${dogB}/medical`), confirm: 'yes' });
    expect(deleted.statusCode).toBe(303);
    expect(await rescueStore(t.rt.ctx, 'alpha').exists(upload.sha256)).toBe(true);

    const pending = await staff.get(`/r/alpha/hub/vet-grants/${id}/uploads/${upload.id}/file`);
    expect(pending.rawPayload.equals(pdf)).toBe(true);
    const accepted = await staff.post(`/r/alpha/hub/vet-grants/${id}/uploads/${upload.id}/accept`, { _csrf: await staff.csrf(`/r/alpha/hub/vet-grants/${id}`) });
    expect(accepted.statusCode).toBe(303);
    const doc = await db.selectFrom('medical_documents').selectAll().where('dog_id', '=', dogA).where('sha256', '=', upload.sha256).executeTakeFirstOrThrow();
    expect(doc).toMatchObject({ title: 'X-ray report', uploaded_by: staffId });
    expect(await db.selectFrom('vet_uploads').select(['status', 'medical_document_id']).where('id', '=', upload.id).executeTakeFirstOrThrow()).toEqual({ status: 'accepted', medical_document_id: doc.id });
    expect((await staff.get(`/r/alpha/hub/dogs/${dogA}/medical`)).body).toContain('X-ray report');
    expect((await staff.post(`/r/alpha/hub/vet-grants/${id}/uploads/${upload.id}/accept`, { _csrf: await staff.csrf(`/r/alpha/hub/vet-grants/${id}`) })).statusCode).toBe(409);

    // A declined upload's bytes go, unless something else uses them.
    const png = await samplePhoto({ width: 20, height: 20, format: 'png' });
    expect((await vetUpload(vetBrowser, id, { title: 'Wound photo' }, documentFile(png, 'wound.png', 'image/png'))).statusCode).toBe(303);
    const second = await db.selectFrom('vet_uploads').selectAll().where('grant_id', '=', id).where('title', '=', 'Wound photo').executeTakeFirstOrThrow();
    expect((await staff.post(`/r/alpha/hub/vet-grants/${id}/uploads/${second.id}/decline`, { _csrf: await staff.csrf(`/r/alpha/hub/vet-grants/${id}`) })).statusCode).toBe(303);
    expect(await rescueStore(t.rt.ctx, 'alpha').exists(second.sha256)).toBe(false);
    // Sent again after the decline, it is pending again, with its bytes stored.
    expect((await vetUpload(vetBrowser, id, { title: 'Wound photo, again' }, documentFile(png, 'wound.png', 'image/png'))).statusCode).toBe(303);
    expect(await db.selectFrom('vet_uploads').select(['status', 'title']).where('id', '=', second.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending', title: 'Wound photo, again' });
    expect(await rescueStore(t.rt.ctx, 'alpha').exists(second.sha256)).toBe(true);
  });

  it('refuses bad uploads with a clear 4xx, keeping the title, never a 5xx', async () => {
    const id = await grant(dogA);
    const cases: [string, Part | undefined, number[]][] = [
      ['no file', undefined, [400]],
      ['empty', documentFile(Buffer.alloc(0), 'empty.pdf', 'application/pdf'), [400]],
      ['html', documentFile(Buffer.from('<html><script>alert(1)</script></html>'), 'evil.pdf', 'application/pdf'), [400, 415]],
      ['too big', documentFile(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)]), 'huge.pdf', 'application/pdf'), [413]],
    ];
    for (const [what, file, statuses] of cases) {
      const res = await vetUpload(vetBrowser, id, { title: `Kept title ${what}` }, file);
      expect(statuses, `${what}: ${res.statusCode}`).toContain(res.statusCode);
      expect(res.body).toContain(`Kept title ${what}`);
    }
    const noTitle = await vetUpload(vetBrowser, id, { title: '' }, documentFile(await samplePdf('t'), 'a.pdf', 'application/pdf'));
    expect(noTitle.statusCode).toBe(400);
    expect(await db.selectFrom('vet_uploads').select('id').where('grant_id', '=', id).execute()).toHaveLength(0);
  });

  it('answers every vet link 403 at once after a revocation, while staff still read the thread', async () => {
    const id = await grant(dogA);
    await vetBrowser.post(`/vet/access/${id}/messages`, { _csrf: await vetBrowser.csrf(`/vet/access/${id}`), body: 'Before the revocation.' });
    const token = await vetBrowser.csrf(`/vet/access/${id}`);
    await control.updateTable('vet_access_requests').set({ status: 'revoked', revoked_at: new Date(clock.now()), revoked_by: staffId }).where('id', '=', id).execute();
    const links = [
      await vetBrowser.get(`/vet/access/${id}`), await vetBrowser.get(`/vet/access/${id}/photo`), await vetBrowser.get(`/vet/access/${id}/documents/${docA}`),
      await vetBrowser.post(`/vet/access/${id}/messages`, { _csrf: token, body: 'After.' }),
      await vetUpload(vetBrowser, id, { title: 'After' }, documentFile(await samplePdf('late'), 'late.pdf', 'application/pdf'), token),
    ];
    for (const res of links) expect(res.statusCode).toBe(403);
    expect(await db.selectFrom('vet_uploads').select('id').where('grant_id', '=', id).execute()).toHaveLength(0);
    expect(await db.selectFrom('vet_messages').select('id').where('grant_id', '=', id).execute()).toHaveLength(1);
    const hub = await staff.get(`/r/alpha/hub/vet-grants/${id}`);
    expect(hub.statusCode).toBe(200);
    expect(hub.body).toContain('Before the revocation.');
    expect(hub.body).toContain('Withdrawn by the rescue');
  });

  it('answers 403 once the grant expires by the clock', async () => {
    const id = await grant(dogA, { days: 1 });
    expect((await vetBrowser.get(`/vet/access/${id}`)).statusCode).toBe(200);
    clock.advance(DAY + 1000);
    expect((await vetBrowser.get(`/vet/access/${id}`)).statusCode).toBe(403);
    expect((await vetBrowser.get(`/vet/access/${id}/documents/${docA}`)).statusCode).toBe(403);
    expect((await staff.get(`/r/alpha/hub/vet-grants/${id}`)).body).toContain('Expired');
  });

  it("shows a rescue's hub only its own grants", async () => {
    const betaDb = (await t.rt.ctx.tenants.get('beta'))!.db.kysely;
    const betaDog = await addAvailableDog(betaDb, 'Pudding');
    const betaGrant = await grant(betaDog, { slug: 'beta' });
    expect((await staff.get(`/r/alpha/hub/vet-grants/${betaGrant}`)).statusCode).toBe(404);
    expect((await staff.get('/r/alpha/hub/vet-grants/not-an-id')).statusCode).toBe(404);
    const { browser: betaStaff } = await signedInStaff(t, 'beta', 'staff');
    expect((await betaStaff.get(`/r/beta/hub/vet-grants/${betaGrant}`)).statusCode).toBe(200);
  });
});
