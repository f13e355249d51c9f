import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import type { Part } from '../photos/photos.testing.js';
import { documentFile as file, samplePdf, uploadDocument } from './documents.testing.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(engines)('medical documents on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let viewer: Browser;
  let blobDir: string;
  let dogId: string;
  const blobs = () => filesUnder(blobDir).filter((f) => !f.startsWith('.tmp'));
  const docsOf = (id: string) => db.selectFrom('medical_documents').selectAll().where('dog_id', '=', id).orderBy('created_at').execute();

  const upload = (browser: Browser, id: string, doc: Part, fields: Record<string, string> = {}) => uploadDocument(t, browser, 'alpha', id, doc, fields);
  async function newDog(name: string): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    return /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
  }
  const fileUrl = (id: string, docId: string) => `/r/alpha/hub/dogs/${id}/documents/${docId}/file`;

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_DOCUMENT_MAX_MB: '1' });
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    blobDir = path.join(t.rt.ctx.config.uploadsDir, 'alpha');
    dogId = await newDog('Paper');
  });
  afterAll(() => t.close());

  it('accepts a real PDF and serves it only to signed-in staff, as an attachment under a generated name', async () => {
    const pdf = await samplePdf('Rabies certificate');
    const res = await upload(staff, dogId, file(pdf, 'rabies cert.pdf', 'application/pdf'), { title: 'Rabies certificate 2024' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${dogId}/medical?done=document#documents`);
    const [doc] = await docsOf(dogId);
    expect(doc).toMatchObject({ content_type: 'application/pdf', title: 'Rabies certificate 2024', original_name: 'rabies cert.pdf', size_bytes: pdf.byteLength });
    expect(blobs()).toContain(path.join(doc!.sha256.slice(0, 2), doc!.sha256.slice(2, 4), doc!.sha256));

    const served = await staff.get(fileUrl(dogId, doc!.id));
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(pdf)).toBe(true);
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-disposition']).toBe(`attachment; filename="rabies-certificate-2024-${doc!.id.slice(0, 8)}.pdf"`);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cache-control']).toBe('private, no-store');
    // Viewers read medical records, documents included.
    expect((await viewer.get(fileUrl(dogId, doc!.id))).statusCode).toBe(200);

    const anonymous = await t.app.inject({ method: 'GET', url: fileUrl(dogId, doc!.id) });
    expect([401, 403, 303, 302]).toContain(anonymous.statusCode);
    expect(anonymous.rawPayload.includes(pdf.subarray(0, 64))).toBe(false);
    // No public route serves its bytes, by hash or any variant name.
    for (const url of [`/r/alpha/photos/${doc!.sha256}/medium.jpg`, `/r/alpha/photos/${doc!.sha256}/original`, `/r/alpha/hub/photos/${doc!.sha256}/thumbnail.jpg`]) {
      const r = await t.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).not.toBe(200);
    }
    const page = await staff.get(`/r/alpha/hub/dogs/${dogId}/medical`);
    expect(page.body).toContain('Rabies certificate 2024');
    expect(page.body).toContain(`href="${fileUrl(dogId, doc!.id)}"`);
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body).toContain('Document attached: Rabies certificate 2024');
    const audit = await db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', dogId).where('action', '=', 'medical.document_added').execute();
    expect(audit).toEqual([{ action: 'medical.document_added', detail: { document_id: doc!.id } }]);
  });

  it('strips GPS and other EXIF from an image document and applies its orientation', async () => {
    const id = await newDog('Gps');
    const photo = await samplePhoto({ width: 300, height: 100, orientation: 6, gps: true });
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    expect((await upload(staff, id, file(photo, 'scan.jpg', 'image/jpeg'))).statusCode).toBe(303);
    const [doc] = await docsOf(id);
    expect(doc).toMatchObject({ content_type: 'image/jpeg', title: 'scan' });
    const served = await staff.get(fileUrl(id, doc!.id));
    expect(served.headers['content-disposition']).toMatch(/^attachment; filename="scan-[0-9a-f]{8}\.jpg"$/);
    const meta = await sharp(served.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation ?? 1).toBe(1);
    expect([meta.width, meta.height]).toEqual([100, 300]);
    expect(served.rawPayload.includes(Buffer.from('Kona test camera'))).toBe(false);
    // Neither is the original with its GPS kept anywhere in storage.
    for (const f of blobs()) expect(readFileSync(path.join(blobDir, f)).includes(Buffer.from('Kona test camera')), f).toBe(false);
  });

  it('refuses an HTML file named .pdf, a text file named .jpg and an SVG with 415, storing nothing', async () => {
    const before = blobs();
    const cases: [Buffer, string][] = [
      [Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>'), 'records.pdf'],
      [Buffer.from('just some text, not a photo\n'), 'holiday.jpg'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'chart.svg'],
    ];
    for (const [data, name] of cases) {
      const res = await upload(staff, dogId, file(data, name, 'application/pdf'), { title: 'Kept title' });
      expect(res.statusCode, name).toBe(415);
      expect(res.body).toContain(`${name} was not attached`);
      expect(res.body).toContain('PDF, JPEG, PNG, WebP or HEIC');
      expect(res.body).toContain('value="Kept title"');
      expect(res.body).not.toContain('<script>alert(document.cookie)');
    }
    expect(blobs()).toEqual(before);
    expect(await docsOf(dogId)).toHaveLength(1);
  });

  it('refuses a file over KONA_DOCUMENT_MAX_MB with 413 while it streams, leaving nothing in storage', async () => {
    const before = blobs();
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const res = await upload(staff, dogId, file(big, 'huge.pdf', 'application/pdf'));
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('larger than the 1 MB limit');
    expect(blobs()).toEqual(before);
    expect(filesUnder(path.join(blobDir, '.tmp'))).toEqual([]);
  });

  it('never uses the upload name as a path: a traversal name is stored under its hash and shown cleaned', async () => {
    const id = await newDog('Traversal');
    const pdf = await samplePdf('traversal');
    const res = await upload(staff, id, file(pdf, '../../etc/passwd.pdf', 'application/pdf'));
    expect(res.statusCode).toBe(303);
    const [doc] = await docsOf(id);
    expect(doc).toMatchObject({ original_name: 'passwd.pdf', title: 'passwd' });
    expect(blobs().filter((f) => /passwd|etc/.test(f))).toEqual([]);
    expect(filesUnder(t.dataDir).filter((f) => f.endsWith('passwd.pdf'))).toEqual([]);
    expect((await staff.get(fileUrl(id, doc!.id))).headers['content-disposition']).toMatch(/filename="passwd-[0-9a-f]{8}\.pdf"/);
    // Control and direction-override characters never reach the stored name; markup in a title is text.
    expect((await upload(staff, id, file(await samplePdf('evil'), 'evil\u202Efdp.exe\u0007', 'application/pdf'), { title: '<img src=x onerror=alert(1)>' })).statusCode).toBe(303);
    const evil = (await docsOf(id)).find((d) => d.title.startsWith('<img'))!;
    expect(evil.original_name).toBe('evilfdp.exe');
    for (const url of [`/r/alpha/hub/dogs/${id}/medical`, `/r/alpha/hub/dogs/${id}`]) {
      const body = (await staff.get(url)).body;
      expect(body).not.toContain('<img src=x');
      expect(body).toContain('&lt;img src=x onerror=alert(1)>');
    }
    expect((await staff.get(fileUrl(id, evil.id))).headers['content-disposition']).toMatch(/filename="img-src-x-onerror-alert-1-[0-9a-f]{8}\.pdf"/);
  });

  it('links a document to a vaccination, refuses a link to another dog\'s entry, and lets only editors upload', async () => {
    const id = await newDog('Linked');
    const other = await newDog('Other');
    const csrf = await staff.csrf(`/r/alpha/hub/dogs/${id}/medical`);
    await staff.post(`/r/alpha/hub/dogs/${id}/vaccinations`, { _csrf: csrf, type: 'rabies', given_on: '2024-03-02', due_on: '2025-03-02' });
    await staff.post(`/r/alpha/hub/dogs/${other}/vaccinations`, { _csrf: csrf, type: 'dhpp', given_on: '2024-03-02' });
    const mine = await db.selectFrom('vaccinations').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
    const theirs = await db.selectFrom('vaccinations').select('id').where('dog_id', '=', other).executeTakeFirstOrThrow();
    const pdf = await samplePdf('linked');
    const refused = await upload(staff, id, file(pdf, 'cert.pdf'), { title: 'Cert', link: `vaccination:${theirs.id}` });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('no longer exists');
    expect((await upload(viewer, id, file(pdf, 'cert.pdf'), { title: 'Cert' })).statusCode).toBe(403);
    expect(await docsOf(id)).toHaveLength(0);
    expect((await upload(staff, id, file(pdf, 'cert.pdf'), { title: 'Linked cert', link: `vaccination:${mine.id}` })).statusCode).toBe(303);
    const [doc] = await docsOf(id);
    expect(doc!.vaccination_id).toBe(mine.id);
    const page = (await staff.get(`/r/alpha/hub/dogs/${id}/medical`)).body;
    const row = page.slice(page.indexOf('<th scope="row">Rabies</th>'), page.indexOf('</tr>', page.indexOf('<th scope="row">Rabies</th>')));
    expect(row).toContain('Linked cert');
  });

  it('deletes a document with confirmation, removing its file only when no other record shares the bytes', async () => {
    const id = await newDog('Deleting');
    // The same bytes for one dog are one document; another dog may hold the same file (a shared invoice).
    const sibling = await newDog('Sharing');
    const shared = await samplePdf('shared bytes');
    const alone = await samplePdf('only here');
    for (const [dog, data, title] of [[id, shared, 'First'], [sibling, shared, 'Second'], [id, alone, 'Alone']] as const) {
      expect((await upload(staff, dog, file(data, 'x.pdf'), { title })).statusCode).toBe(303);
    }
    const docs = [...(await docsOf(id)), ...(await docsOf(sibling))];
    const byTitle = (title: string) => docs.find((d) => d.title === title)!;
    const key = (d: { sha256: string }) => path.join(d.sha256.slice(0, 2), d.sha256.slice(2, 4), d.sha256);
    const csrf = await staff.csrf(`/r/alpha/hub/dogs/${id}/medical`);
    const del = (docId: string, form: Record<string, string>) => staff.post(`/r/alpha/hub/dogs/${id}/documents/${docId}/delete`, { _csrf: csrf, ...form });

    const unconfirmed = await del(byTitle('First').id, {});
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('tick the box');
    expect(await docsOf(id)).toHaveLength(2);

    expect((await del(byTitle('First').id, { confirm: 'yes' })).statusCode).toBe(303);
    expect(blobs()).toContain(key(byTitle('Second')));
    expect((await staff.get(fileUrl(sibling, byTitle('Second').id))).statusCode).toBe(200);
    expect((await del(byTitle('Alone').id, { confirm: 'yes' })).statusCode).toBe(303);
    expect(blobs()).not.toContain(key(byTitle('Alone')));
    expect((await staff.get(fileUrl(id, byTitle('Alone').id))).statusCode).toBe(404);
    expect((await del(byTitle('Alone').id, { confirm: 'yes' })).statusCode).toBe(404);
    expect((await viewer.post(`/r/alpha/hub/dogs/${sibling}/documents/${byTitle('Second').id}/delete`, { _csrf: await viewer.csrf('/r/alpha/hub'), confirm: 'yes' })).statusCode).toBe(403);
    expect(await docsOf(id)).toEqual([]);
    expect((await docsOf(sibling)).map((d) => d.title)).toEqual(['Second']);
  });
});
