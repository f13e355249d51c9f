import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import { assignFoster } from '../fosters/fosters.public.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { multipartBody, showDogPublicly, type Part } from './photos.testing.js';

const jpeg = (data: Buffer, filename = 'dog.jpg'): Part => ({ name: 'photos', filename, type: 'image/jpeg', data });

/** Every file under a directory, recursively, with paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(engines)('dog photos on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let dogId: string;
  let blobDir: string;
  const blobs = () => filesUnder(blobDir).filter((f) => !f.startsWith('.tmp'));
  const photosOf = (id: string) => db.selectFrom('dog_photos').selectAll().where('dog_id', '=', id).orderBy('position').execute();

  /** Posts a multipart upload as a browser would, with the page's CSRF token unless told otherwise. */
  async function upload(browser: Browser, id: string, files: Part[], opts: { csrf?: string | null; json?: boolean } = {}) {
    const token = opts.csrf === undefined ? csrfFrom((await browser.get(`/r/alpha/hub/dogs/${id}`)).body) : opts.csrf;
    const { payload, contentType } = multipartBody([...(token === null ? [] : [{ name: '_csrf', value: token }]), ...files]);
    const cookie = Object.entries(browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie, accept: opts.json ? 'application/json' : 'text/html' } });
  }
  async function newDog(name: string): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    return /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_UPLOAD_MAX_MB: '1' });
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    blobDir = path.join(t.rt.ctx.config.uploadsDir, 'alpha');
    dogId = await newDog('Pixel');
    await showDogPublicly(db, dogId);
  });
  afterAll(() => t.close());

  it('serves upright variants without EXIF or GPS, publicly cached, with 304 on revalidation; never the original', async () => {
    const original = await samplePhoto({ width: 400, height: 200, orientation: 6, gps: true });
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const res = await upload(staff, dogId, [jpeg(original)]);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Uploaded and approved.');
    const [photo] = await photosOf(dogId);
    expect(photo).toMatchObject({ status: 'approved', is_primary: true, width: 200, height: 400 });
    for (const variant of ['medium.jpg', 'medium.webp', 'thumbnail.jpg', 'large.webp']) {
      const served = await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${photo!.sha256}/${variant}` });
      expect(served.statusCode, variant).toBe(200);
      expect(served.headers['cache-control']).toBe('public, max-age=2592000, immutable');
      const meta = await sharp(served.rawPayload).metadata();
      expect(meta.exif, variant).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect(meta.height!).toBeGreaterThan(meta.width!);
    }
    // Orientation 6 turns the red left half to the top.
    const medium = await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${photo!.sha256}/medium.jpg` });
    const { data } = await sharp(medium.rawPayload).extract({ left: 100, top: 10, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(60);
    const again = await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${photo!.sha256}/medium.jpg`, headers: { 'if-none-match': medium.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    for (const name of ['original', photo!.sha256, 'original.jpg']) {
      expect((await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${photo!.sha256}/${name}` })).statusCode).toBe(404);
    }
    const page = await staff.get(`/r/alpha/hub/dogs/${dogId}`);
    expect(page.body).toContain(`/r/alpha/hub/photos/${photo!.sha256}/thumbnail.jpg`);
    expect(page.body).toMatch(/<script src="\/assets\/upload\.[0-9a-f]{12}\.js"/);
    const list = await staff.get('/r/alpha/hub/dogs');
    expect(list.body).toContain(`/r/alpha/hub/photos/${photo!.sha256}/thumbnail.jpg`);
  });

  it('keeps the original, GPS and all, owner-only on disk (0600, folders 0700) even under a permissive umask, and never serves it', async () => {
    const id = await newDog('Private');
    const original = await samplePhoto({ width: 120, height: 90, gps: true });
    const previous = process.umask(0o000);
    try {
      expect((await upload(staff, id, [jpeg(original)])).statusCode).toBe(200);
    } finally {
      process.umask(previous);
    }
    const [photo] = await photosOf(id);
    const file = path.join(blobDir, photo!.sha256.slice(0, 2), photo!.sha256.slice(2, 4), photo!.sha256);
    expect((await sharp(file).metadata()).exif).toBeDefined();
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect(mode(file)).toBe('600');
    for (const key of Object.values(photo!.variants)) expect(mode(path.join(blobDir, key.slice(0, 2), key.slice(2, 4), key)), key).toBe('600');
    for (const dir of [path.dirname(file), path.dirname(path.dirname(file)), blobDir, path.join(blobDir, '.tmp'), t.rt.ctx.config.uploadsDir]) expect(mode(dir), dir).toBe('700');
    // No URL names the original: public and staff routes serve only the variants.
    for (const prefix of ['/r/alpha/photos', '/r/alpha/hub/photos']) {
      for (const name of ['original', photo!.sha256, 'original.jpg']) {
        expect((await staff.get(`${prefix}/${photo!.sha256}/${name}`)).statusCode, `${prefix} ${name}`).toBe(404);
      }
    }
  });

  it('stores the same bytes once: a second upload gives the existing photo', async () => {
    const id = await newDog('Twice');
    const bytes = await samplePhoto({ width: 64, height: 48 });
    expect((await upload(staff, id, [jpeg(bytes)])).statusCode).toBe(200);
    const stored = blobs().length;
    const second = await upload(staff, id, [jpeg(bytes, 'copy.jpg')]);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('already uploaded for this dog');
    expect(await photosOf(id)).toHaveLength(1);
    expect(blobs()).toHaveLength(stored);
  });

  it('refuses a text file named .jpg with a message naming the accepted types, storing nothing', async () => {
    const before = blobs();
    const res = await upload(staff, dogId, [jpeg(Buffer.from('just some text, not a photo\n'), 'holiday.jpg')]);
    expect(res.statusCode).toBe(415);
    expect(res.body).toContain('holiday.jpg');
    expect(res.body).toContain('JPEG, PNG, WebP or HEIC/HEIF');
    expect(blobs()).toEqual(before);
  });

  it('refuses a file over KONA_UPLOAD_MAX_MB while streaming, leaving no blob behind', async () => {
    const big = await samplePhoto({ width: 2400, height: 2400, noise: true });
    expect(big.byteLength).toBeGreaterThan(1024 * 1024);
    const before = blobs();
    const res = await upload(staff, dogId, [jpeg(big, 'huge.jpg')], { json: true });
    expect(res.statusCode).toBe(413);
    expect(res.json().results[0]).toMatchObject({ name: 'huge.jpg', ok: false });
    expect(res.json().results[0].message).toContain('larger than the 1 MB limit');
    expect(blobs()).toEqual(before);
    expect(filesUnder(path.join(blobDir, '.tmp'))).toEqual([]);
  });

  it('reports each file of a batch: good ones stored, bad ones refused with their reason', async () => {
    const id = await newDog('Batch');
    const res = await upload(staff, id, [jpeg(await samplePhoto({ width: 80, height: 60, format: 'png' }), 'a.png'), jpeg(Buffer.from('%PDF-1.4'), 'b.jpg')], { json: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((r: { name: string; ok: boolean }) => [r.name, r.ok])).toEqual([['a.png', true], ['b.jpg', false]]);
    expect(await photosOf(id)).toHaveLength(1);
  });

  it('stores by hash whatever the file name says, path traversal included', async () => {
    const bytes = await samplePhoto({ width: 50, height: 50 });
    const res = await upload(staff, dogId, [jpeg(bytes, '../../etc/passwd.jpg')]);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('passwd.jpg');
    const all = filesUnder(t.dataDir);
    expect(all.filter((f) => f.includes('passwd'))).toEqual([]);
    for (const f of blobs()) expect(path.basename(f)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a foster\'s upload pending and private until staff approve it; then the dog can be adoptable', async () => {
    const id = await newDog('Shy');
    const { browser: foster, id: fosterId } = await signedInStaff(t, 'alpha', 'foster');
    const photo1 = jpeg(await samplePhoto({ width: 90, height: 60 }));
    // The dog's page is a 404 for this foster, so the token comes from their dog list.
    const refused = await upload(foster, id, [photo1], { csrf: await foster.csrf('/r/alpha/hub/dogs') });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('There is no dog in your care at this address.');
    expect(await photosOf(id)).toEqual([]);
    const handle = (await t.rt.ctx.tenants.get('alpha'))!;
    await assignFoster({ db: handle.db.kysely, keyRing: t.rt.ctx.secrets.keyRing }, id, { foster: fosterId, started_on: new Date().toISOString().slice(0, 10) }, { type: 'system' });
    const res = await upload(foster, id, [photo1]);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('once staff approve it');
    const [photo] = await photosOf(id);
    expect(photo).toMatchObject({ status: 'pending', is_primary: false });
    const publicUrl = `/r/alpha/photos/${photo!.sha256}/thumbnail.jpg`;
    expect((await t.app.inject({ method: 'GET', url: publicUrl })).statusCode).toBe(404);
    const hub = await staff.get(`/r/alpha/hub/photos/${photo!.sha256}/thumbnail.jpg`);
    expect(hub.statusCode).toBe(200);
    expect(hub.headers['cache-control']).toBe('private, max-age=3600');
    // The foster sees their own dog's pending photo in the hub; another foster does not.
    expect((await foster.get(`/r/alpha/hub/photos/${photo!.sha256}/thumbnail.jpg`)).statusCode).toBe(200);
    const { browser: otherFoster } = await signedInStaff(t, 'alpha', 'foster');
    expect((await otherFoster.get(`/r/alpha/hub/photos/${photo!.sha256}/thumbnail.jpg`)).statusCode).toBe(404);
    expect((await foster.post(`/r/alpha/hub/dogs/${id}/photos/${photo!.id}/approve`, { _csrf: await foster.csrf(`/r/alpha/hub/dogs/${id}`) })).statusCode).toBe(403);

    await db.updateTable('dogs').set({ status: 'available', public_description: 'A gentle soul.' }).where('id', '=', id).execute();
    expect((await staff.get(`/r/alpha/hub/dogs/${id}`)).body).toContain('needs an approved photo');
    const csrf = await staff.csrf(`/r/alpha/hub/dogs/${id}`);
    expect((await staff.post(`/r/alpha/hub/dogs/${id}/photos/${photo!.id}/approve`, { _csrf: csrf })).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: publicUrl })).statusCode).toBe(200);
    expect((await photosOf(id))[0]).toMatchObject({ status: 'approved', is_primary: true });
    const page = await staff.get(`/r/alpha/hub/dogs/${id}`);
    expect(page.body).toContain('<h2 id="adoptable-heading">Adoptable</h2>');
    expect(page.body).toMatch(/<li data-kind="photo">.*?<strong>Photo added<\/strong><span> by Test foster/);
    const audit = await db.selectFrom('audit_log').select('action').where('target_id', '=', id).where('action', 'like', 'photo.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['photo.uploaded', 'photo.approved']);
  });

  it('edits alt text, orders photos and changes the primary, rejecting a photo takes it off the public site', async () => {
    const id = await newDog('Order');
    await showDogPublicly(db, id);
    for (const w of [30, 40]) await upload(staff, id, [jpeg(await samplePhoto({ width: w, height: 30 }))]);
    const [first, second] = await photosOf(id);
    const csrf = await staff.csrf(`/r/alpha/hub/dogs/${id}`);
    const act = (photoId: string, name: string, form: Record<string, string> = {}) => staff.post(`/r/alpha/hub/dogs/${id}/photos/${photoId}/${name}`, { _csrf: csrf, ...form });
    expect((await act(second!.id, 'alt', { alt_text: 'Order asleep on a blue blanket' })).statusCode).toBe(303);
    expect((await act(second!.id, 'alt', { alt_text: 'x'.repeat(301) })).statusCode).toBe(400);
    expect((await act(second!.id, 'move', { direction: 'up' })).statusCode).toBe(303);
    expect((await photosOf(id)).map((p) => p.id)).toEqual([second!.id, first!.id]);
    expect((await act(second!.id, 'primary')).statusCode).toBe(303);
    expect((await photosOf(id)).filter((p) => p.is_primary).map((p) => p.id)).toEqual([second!.id]);
    expect((await staff.get(`/r/alpha/hub/dogs/${id}`)).body).toContain('alt="Order asleep on a blue blanket"');
    expect((await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${second!.sha256}/medium.webp` })).statusCode).toBe(200);
    expect((await act(second!.id, 'reject')).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${second!.sha256}/medium.webp` })).statusCode).toBe(404);
    expect((await photosOf(id)).find((p) => p.id === second!.id)).toMatchObject({ status: 'rejected', is_primary: false });
  });

  it('refuses a viewer (403) and a multipart upload without a valid CSRF token (403), storing nothing', async () => {
    const { browser: viewer } = await signedInStaff(t, 'alpha', 'viewer');
    const bytes = await samplePhoto({ width: 70, height: 70 });
    const before = blobs();
    expect((await upload(viewer, dogId, [jpeg(bytes)])).statusCode).toBe(403);
    for (const csrf of [null, '', 'forged-token']) {
      const res = await upload(staff, dogId, [jpeg(bytes)], { csrf, json: true });
      expect(res.statusCode).toBe(403);
      expect(res.json().type).toContain('KONA_ERR_CSRF');
    }
    // Without multipart the guard checks the token as for any form.
    expect((await staff.post(`/r/alpha/hub/dogs/${dogId}/photos`, { photos: 'x' })).statusCode).toBe(403);
    expect(blobs()).toEqual(before);
    expect(filesUnder(path.join(blobDir, '.tmp'))).toEqual([]);
  });

  it('answers an upload cut off mid-file with 400 and the reason, storing nothing', async () => {
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, jpeg(await samplePhoto({ width: 60, height: 60 }), 'cut.jpg')]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const before = blobs();
    const res = await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dogId}/photos`, payload: payload.subarray(0, payload.length - 200), headers: { 'content-type': contentType, cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('cut off');
    expect(blobs()).toEqual(before);
  });

  it('takes at most ten files per request, saying so', async () => {
    const id = await newDog('Many');
    const files = await Promise.all(Array.from({ length: 11 }, async (_, i) => jpeg(await samplePhoto({ width: 20 + i, height: 20 }), `p${i}.jpg`)));
    const res = await upload(staff, id, files, { json: true });
    expect(res.statusCode).toBe(200);
    const results = res.json().results as { ok: boolean; message: string }[];
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.at(-1)!.message).toContain('At most 10 photos');
    expect(await photosOf(id)).toHaveLength(10);
  });
});
