import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { encryptAnswers } from '../adoptions/adoptions.public.js';
import { upsertApplicantContact } from '../people/people.public.js';
import { contractStoreFor } from '../contracts/contracts.public.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { photosDataset } from './export.files.js';
import { staffDataset } from './export.people.js';
import { datasetPages } from './export.rows.js';
import { buildFullRescue, readZip, type FullRescue } from './export.testing.js';

/** A small RFC 4180 reader, to check that what Kona writes reads back exactly. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && body[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  expect(cell).toBe('');
  return rows;
}

/** The CSV as records keyed by the header row. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

const EVIL_NAME = '=HYPERLINK("http://evil.example","click")';
const NEEDS = 'Needs "quiet" home, no cats,\nmedication twice daily';
const PERSON = { name: 'Zoë "Zed" O\'Hara, Jr', email: 'zoe.export@example.org', phone: '+44 7700 900123', address: '1 Quay Street\nHarbourtown' };

const APPLICANT = { name: 'Harriet Adopter', email: 'harriet.export@example.org', phone: '0123 456 789', address: '9 Kennel Lane, Dogtown' };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const text = (files: Map<string, Buffer>, path: string) => files.get(path)!.toString('utf8');

describe.each(engines)('data export on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let staff: Browser;
  let viewer: Browser;
  let csrf: string;
  let beta: { db: Kysely<TenantSchema>; admin: Browser; adminId: string; foster: Browser; rescue: FullRescue };

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const ring = t.rt.ctx.secrets.keyRing;
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    csrf = await admin.csrf('/r/alpha/hub/export');
    const dog = await db.insertInto('dogs').values({ name: EVIL_NAME, size: 'small', intake_date: '2024-03-01', intake_type: 'stray', special_needs: NEEDS, adoption_fee_cents: 15000, breeds: ['Collie', 'Lab'] })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('vaccinations').values({ dog_id: dog.id, type: 'rabies', given_on: '2024-03-02', due_on: '2025-03-02', given_by: '@vet clinic' }).execute();
    await db.insertInto('dog_notes').values({ dog_id: dog.id, author_id: null, body: '=cmd|\' /C calc\'!A0 ate well' }).execute();
    await db.insertInto('vet_visits').values({ dog_id: dog.id, clinic: 'Harbour Vets', visit_on: '2024-03-04', reason: '-limping' }).execute();
    const { contactId } = await upsertApplicantContact(db, ring, PERSON);
    const answers = [{ questionId: randomUUID(), label: 'Why this dog?', kind: 'text' as const, answer: '+SUM(A1:A9) because, "reasons"' }];
    await db.insertInto('applications').values({ dog_id: dog.id, contact_id: contactId, status: 'new', answers_enc: encryptAnswers(ring, answers), idempotency_key: randomUUID() }).execute();
    // An AI draft (stored encrypted, as the AI helpers store them).
    await db.insertInto('ai_drafts').values({
      feature: 'bio', subject_kind: 'dog', subject_id: dog.id, dog_id: dog.id, input_digest: 'a'.repeat(64), output_enc: ring.encrypt(JSON.stringify({ bio: '=A lovely small dog who likes laps.' })),
      model: null, backend: null, prompt_version: 'b'.repeat(64), path: 'simpler', fallback_reason: 'off', latency_ms: 3,
    }).execute();

    // A second rescue with one of everything, for the whole-rescue zip.
    await t.addTenant('beta', 'Beta Rescue');
    const betaAdmin = await signedInStaff(t, 'beta', 'admin', { name: 'Ada Admin' });
    const betaStaff = await signedInStaff(t, 'beta', 'staff');
    const foster = await signedInStaff(t, 'beta', 'foster', { name: 'Fern Foster', email: 'fern.foster@example.org' });
    const rescue = await buildFullRescue(t, 'beta', (await t.rt.ctx.tenants.get('beta'))!.db.kysely, { staff: betaStaff.browser, fosterId: foster.id }, APPLICANT);
    beta = { db: (await t.rt.ctx.tenants.get('beta'))!.db.kysely, admin: betaAdmin.browser, adminId: betaAdmin.id, foster: foster.browser, rescue };
  });
  afterAll(() => t.close());

  const download = (browser: Browser, path: string, token = csrf) => browser.post(`/r/alpha/hub/export/${path}`, { _csrf: token });
  const downloadZip = async (browser: Browser, slug: string) => browser.post(`/r/${slug}/hub/export/zip`, { _csrf: await browser.csrf(`/r/${slug}/hub/export`) });

  it('is for admins only, says the files hold personal data, and answers bad requests clearly', async () => {
    const page = await admin.get('/r/alpha/hub/export');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('href="/r/alpha/hub/export"');
    expect(page.body).toContain('The export holds personal data in clear');
    expect(page.body).toContain('action="/r/alpha/hub/export/zip"');
    expect(page.body).toContain('Download people.csv');
    for (const b of [viewer, staff, beta.foster]) {
      const slug = b === beta.foster ? 'beta' : 'alpha';
      expect((await b.get(`/r/${slug}/hub/export`)).statusCode).toBe(403);
      const token = await b.csrf(`/r/${slug}/hub`);
      expect((await b.post(`/r/${slug}/hub/export/csv/people`, { _csrf: token })).statusCode).toBe(403);
      const zip = await b.post(`/r/${slug}/hub/export/zip`, { _csrf: token });
      expect(zip.statusCode).toBe(403);
      expect(zip.headers['content-type']).not.toBe('application/zip');
      expect((await b.get(`/r/${slug}/hub`)).body).not.toContain('/hub/export"');
    }
    const noToken = await admin.post('/r/alpha/hub/export/zip', {});
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toMatch(/form|page|again/i);
    expect((await admin.get('/r/alpha/hub/export/zip')).statusCode).toBe(404);
    const unknown = await download(admin, 'csv/nothing-here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('That export');
    expect((await download(admin, 'csv/NOT_A_NAME')).statusCode).toBe(404);
  });

  it('writes CSV that reads back exactly, with formulas neutralised, as a no-store attachment', async () => {
    const res = await download(admin, 'csv/dogs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kona-alpha-dogs-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const [dog] = records(res.body);
    expect(dog!.name).toBe(`'${EVIL_NAME}`);
    expect(dog!.special_needs).toBe(NEEDS);
    expect(dog!.breeds).toBe('Collie; Lab');
    expect(dog!.adoption_fee_cents).toBe('15000');
    expect(dog!.whereabouts).toBe('rescue');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);

    const [vaccination] = records((await download(admin, 'csv/vaccinations')).body);
    expect(vaccination).toMatchObject({ type: 'rabies', given_on: '2024-03-02', due_on: '2025-03-02', given_by: "'@vet clinic", dog_name: `'${EVIL_NAME}` });
    expect(records((await download(admin, 'csv/vet-visits')).body)[0]!.reason).toBe("'-limping");
    expect(records((await download(admin, 'csv/dog-notes')).body)[0]!.body).toBe("'=cmd|' /C calc'!A0 ate well");
  });

  it('exports the AI drafts with their provenance and their output decrypted', async () => {
    const [draft] = records((await download(admin, 'csv/ai-drafts')).body);
    expect(draft).toMatchObject({ feature: 'bio', subject_kind: 'dog', path: 'simpler', fallback_reason: 'off', status: 'draft', prompt_version: 'b'.repeat(64) });
    expect(JSON.parse(draft!.output!)).toEqual({ bio: '=A lovely small dog who likes laps.' });
    expect((await db.selectFrom('ai_drafts').select('output_enc').executeTakeFirstOrThrow()).output_enc).not.toContain('lovely');
  });

  it('decrypts people and applications into the export only', async () => {
    const [person] = records((await download(admin, 'csv/people')).body);
    expect(person).toMatchObject({ name: PERSON.name, email: PERSON.email, phone: `'${PERSON.phone}`, address: PERSON.address, roles: 'applicant' });
    const [application] = records((await download(admin, 'csv/applications')).body);
    expect(application!.answers).toBe('Why this dog?: +SUM(A1:A9) because, "reasons"');
    expect(application!.status).toBe('new');
    expect(await db.selectFrom('contacts').select('name_enc').executeTakeFirstOrThrow()).not.toMatchObject({ name_enc: PERSON.name });
  });

  it('streams the whole rescue as one zip: every record and every file, byte for byte, listed in the manifest', async () => {
    const res = await downloadZip(beta.admin, 'beta');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kona-beta-export-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-length']).toBeUndefined();
    const files = await readZip(res.rawPayload);
    const { rescue } = beta;

    // The manifest lists every other file with its true size and sha256, and nothing is missing.
    const manifest = JSON.parse(text(files, 'manifest.json')) as { rescue: { name: string }; rows: Record<string, number>; files: { path: string; size: number; sha256: string }[]; missing_files: string[] };
    expect(manifest.rescue.name).toBe('Beta Rescue');
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...files.keys()].filter((p) => p !== 'manifest.json').sort());
    for (const f of manifest.files) expect({ path: f.path, size: files.get(f.path)!.length, sha256: sha256(files.get(f.path)!) }).toEqual(f);
    expect(manifest.missing_files).toEqual([]);
    expect(manifest.rows).toMatchObject({ dogs: 1, photos: 1, 'foster-placements': 1, 'dog-notes': 1, 'treatment-doses': 1, weights: 1, 'medical-documents': 1, staff: 3, people: 1, applications: 1, contracts: 1 });
    expect(manifest.rows['application-history']).toBeGreaterThanOrEqual(2);
    expect(text(files, 'README.txt')).toContain('personal data in clear');
    expect(JSON.parse(text(files, 'settings.json'))).toMatchObject({ settings: { name: 'Beta Rescue' }, application_questions: expect.any(Array), adoption_email_templates: expect.any(Array) });

    // Records.
    const csv = (name: string) => records(text(files, `${name}.csv`));
    expect(csv('dogs')).toEqual([expect.objectContaining({ id: rescue.dogId, name: 'Pepper' })]);
    expect(csv('status-history').map((r) => r.to_status)).toContain('available');
    expect(csv('foster-placements')).toEqual([expect.objectContaining({ dog_id: rescue.dogId, foster_staff_id: rescue.fosterId, started_on: '2024-04-01' })]);
    expect(csv('dog-notes')).toEqual([expect.objectContaining({ author_staff_id: rescue.fosterId, body: 'Pepper slept through the night.' })]);
    expect(csv('weights')[0]).toMatchObject({ kg: '12.5', weighed_on: '2024-04-02' });
    expect(csv('treatment-doses')[0]).toMatchObject({ treatment_name: 'Carprofen', given_by_staff_id: rescue.fosterId });
    const staffRows = csv('staff');
    expect(Object.keys(staffRows[0]!)).toEqual(['id', 'name', 'email', 'role', 'status', 'created_at', 'password_changed_at']);
    expect(staffRows).toContainEqual(expect.objectContaining({ id: rescue.fosterId, name: 'Fern Foster', email: 'fern.foster@example.org', role: 'foster', status: 'active' }));
    expect(staffRows).toContainEqual(expect.objectContaining({ id: beta.adminId, name: 'Ada Admin', role: 'admin' }));
    expect(csv('people')[0]).toMatchObject({ name: APPLICANT.name, email: APPLICANT.email, phone: APPLICANT.phone, roles: 'applicant; adopter' });
    expect(csv('applications')[0]).toMatchObject({ id: rescue.applicationId, status: 'completed', decision_reason: 'Lovely home visit', answers: 'Why Pepper?: =1+1, "she is calm"' });
    const history = csv('application-history');
    expect(history).toContainEqual(expect.objectContaining({ application_id: rescue.applicationId, kind: 'status', from_status: 'new', to_status: 'approved', text: 'Lovely home visit' }));
    expect(history).toContainEqual(expect.objectContaining({ kind: 'note', text: 'Called the vet reference: all good' }));
    const [application] = JSON.parse(text(files, 'applications.json')) as { answers: unknown; history: { kind: string; text: string }[] }[];
    expect(application!.answers).toEqual([{ question: 'Why Pepper?', kind: 'text', answer: '=1+1, "she is calm"' }]);
    expect(application!.history).toContainEqual(expect.objectContaining({ kind: 'note', text: 'Called the vet reference: all good' }));

    // Files, byte for byte.
    const [photo] = csv('photos');
    expect(photo).toMatchObject({ id: rescue.photo.id, alt_text: rescue.photo.alt, status: 'approved', is_primary: 'yes', file: `files/photos/${rescue.photo.id}.jpg` });
    expect(files.get(photo!.file!)!.equals(rescue.photo.bytes)).toBe(true);
    const [document] = csv('medical-documents');
    expect(document).toMatchObject({ id: rescue.document.id, title: 'Rabies certificate', file: `files/medical-documents/${rescue.document.id}.pdf` });
    expect(files.get(document!.file!)!.equals(rescue.document.bytes)).toBe(true);
    const [contract] = csv('contracts');
    expect(csv('adoption-completions')).toEqual([expect.objectContaining({
      application_id: rescue.applicationId, fee_cents: '15000', fee_method: 'card_in_person', receipt_number: 'R-EXPORT-1', contract_id: rescue.contractId, contract_override_reason: '',
    })]);
    expect(contract).toMatchObject({ id: rescue.contractId, application_id: rescue.applicationId, status: 'signed', signature_method: 'typed', signer_name: APPLICANT.name, file: `files/contracts/${rescue.contractId}.pdf` });
    expect(contract!.text).toContain('Pepper');
    expect(rescue.contractPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(files.get(contract!.file!)!.equals(rescue.contractPdf)).toBe(true);

    // No credential of any kind, anywhere in the archive.
    const secrets = [
      ...(await beta.db.selectFrom('staff').select('password_hash').execute()).map((r) => r.password_hash),
      ...(await beta.db.selectFrom('sessions').select('token_hash').execute()).map((r) => r.token_hash),
      ...(await beta.db.selectFrom('adoption_contracts').select('token_hash').execute()).map((r) => r.token_hash),
      rescue.signingToken, ...Object.values(beta.admin.cookies()), '$argon2',
    ];
    expect(secrets.length).toBeGreaterThan(6);
    const everything = Buffer.concat([...files.values()]).toString('latin1');
    for (const secret of secrets) expect(everything.includes(secret), `a credential leaked: ${secret.slice(0, 8)}`).toBe(false);
    expect(everything).not.toMatch(/password_hash|token_hash/);
  });

  it('reads every table a page at a time, never whole', async () => {
    const source = { db: beta.db, ring: t.rt.ctx.secrets.keyRing, stores: { uploads: photoStoreFor(t.rt.ctx.config.uploadsDir, 'beta'), contracts: contractStoreFor(t.rt.ctx.config.uploadsDir, 'beta') } };
    const pages: unknown[][] = [];
    for await (const page of datasetPages(staffDataset, source, 1)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([1, 1, 1]);
    expect(pages.flat()).toEqual(await staffDataset.load(source, { limit: 500, offset: 0 }));
    const photos: unknown[][] = [];
    for await (const page of datasetPages(photosDataset, source, 2)) photos.push(page);
    expect(photos.map((p) => p.length)).toEqual([1]);
  });

  it('audits every export with who, what and how many, and no personal data', async () => {
    // A photo whose file is gone from the uploads directory: listed as missing, not a failed export.
    const dog = await db.selectFrom('dogs').select('id').executeTakeFirstOrThrow();
    const lost = await db.insertInto('dog_photos').values({ dog_id: dog.id, sha256: sha256(Buffer.from('never stored')), variants: '{}', width: 1, height: 1 }).returning('id').executeTakeFirstOrThrow();
    const before = await db.selectFrom('audit_log').select('id').where('action', '=', 'data.exported').execute();
    await download(admin, 'csv/people');
    const zip = await downloadZip(admin, 'alpha');
    expect(zip.statusCode).toBe(200);
    const files = await readZip(zip.rawPayload);
    expect(JSON.parse(text(files, 'manifest.json'))).toMatchObject({ missing_files: [`files/photos/${lost.id}.bin`], rows: { photos: 1 } });
    expect([...files.keys()].filter((p) => p.startsWith('files/'))).toEqual([]);
    const rows = await db.selectFrom('audit_log').select(['actor_type', 'actor_id', 'detail']).where('action', '=', 'data.exported').orderBy('id').execute();
    const fresh = rows.slice(before.length);
    expect(fresh.map((r) => r.detail)).toEqual([
      { format: 'csv', datasets: ['people'], rows: { people: 1 }, personal: true },
      expect.objectContaining({ format: 'zip', complete: true, personal: true, files: 0, missing_files: 1, rows: expect.objectContaining({ photos: 1, dogs: 1, 'dog-notes': 1, vaccinations: 1, 'vet-visits': 1, people: 1, applications: 1, staff: 3 }) }),
    ]);
    expect(fresh.every((r) => r.actor_type === 'staff' && r.actor_id)).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/Zo|zoe|Quay|7700|HYPERLINK/);
  });
});
