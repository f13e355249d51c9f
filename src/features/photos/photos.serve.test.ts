import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { multipartBody, showDogPublicly } from './photos.testing.js';
import { photoStoreFor } from './photos.store.js';

// Serving public variants: a revalidation is answered from the database row (no disk check), a
// full answer still reads the file; a photo taken off the site stops revalidating at once.
describe.each(engines)('serving photo variants on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const photosOf = (id: string) => db.selectFrom('dog_photos').selectAll().where('dog_id', '=', id).orderBy('position').execute();
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  async function dogWithPhoto(name: string, width: number) {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    await showDogPublicly(db, id);
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${id}`)).body);
    const data = await samplePhoto({ width, height: 60 });
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
    const [photo] = await photosOf(id);
    return { id, photo: photo!, url: `/r/alpha/photos/${photo!.sha256}/medium.jpg`, staffUrl: `/r/alpha/hub/photos/${photo!.sha256}/medium.jpg` };
  }
  const action = async (dogId: string, photoId: string, name: string, form: Record<string, string> = {}) =>
    staff.post(`/r/alpha/hub/dogs/${dogId}/photos/${photoId}/${name}`, { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${dogId}`), ...form });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('revalidates from the row without the file, but a full request for a missing file is 404', async () => {
    const { photo, url } = await dogWithPhoto('Ember', 81);
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toBe(`"${photo.variants['medium.jpg']}"`);
    const store = photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha');
    const token = (await store.setAside(photo.variants['medium.jpg']!))!;
    try {
      expect((await get(url, { 'if-none-match': etag })).statusCode).toBe(304);
      expect((await get(url)).statusCode).toBe(404);
    } finally {
      await store.putBack(photo.variants['medium.jpg']!, token);
    }
    expect((await get(url)).statusCode).toBe(200);
  });

  it('stops revalidating a photo once it is rejected or deleted: 404 with or without If-None-Match', async () => {
    const rejected = await dogWithPhoto('Fig', 82);
    const rejectedTag = String((await get(rejected.url)).headers.etag);
    expect((await action(rejected.id, rejected.photo.id, 'reject')).statusCode).toBe(303);
    expect((await get(rejected.url, { 'if-none-match': rejectedTag })).statusCode).toBe(404);
    expect((await get(rejected.url)).statusCode).toBe(404);

    const deleted = await dogWithPhoto('Gus', 83);
    const deletedTag = String((await get(deleted.url)).headers.etag);
    expect((await action(deleted.id, deleted.photo.id, 'delete', { confirm: 'yes' })).statusCode).toBe(303);
    expect((await get(deleted.url, { 'if-none-match': deletedTag })).statusCode).toBe(404);
    expect((await get(deleted.url)).statusCode).toBe(404);
  });

  it('serves an approved photo publicly only while its dog is shown: on hold or out of "available" it 404s, revalidations too, but not for staff', async () => {
    const { id, url, staffUrl } = await dogWithPhoto('Juniper', 84);
    const shown = await get(url);
    expect(shown.statusCode).toBe(200);
    const etag = String(shown.headers.etag);
    const move = async (to: DogStatus) => expect((await staff.post(`/r/alpha/hub/dogs/${id}/status`, { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${id}`), to, reason: '' })).statusCode).toBe(303);
    const expectHidden = async (why: string) => {
      expect((await get(url)).statusCode, why).toBe(404);
      expect((await get(url, { 'if-none-match': etag })).statusCode, `${why}, revalidating`).toBe(404);
      expect((await staff.get(staffUrl)).statusCode, `${why}, staff`).toBe(200);
      expect((await staff.get(staffUrl, { 'if-none-match': etag })).statusCode, `${why}, staff revalidating`).toBe(304);
    };

    await db.updateTable('dogs').set({ on_hold: true, hold_reason: 'meeting a family' }).where('id', '=', id).execute();
    await expectHidden('on hold');
    await db.updateTable('dogs').set({ on_hold: false, hold_reason: '' }).where('id', '=', id).execute();
    expect((await get(url, { 'if-none-match': etag })).statusCode).toBe(304);

    await move('medical_hold');
    await expectHidden('medical hold');
    expect((await get('/r/alpha/')).body).not.toContain('Juniper');
    await move('available');
    expect((await get(url)).statusCode).toBe(200);
    expect((await get('/r/alpha/')).body).toContain('Juniper');
  });

  it('agrees with the public site for every status: a photo is public exactly while its dog is listed or has a pending or happy-ending page', async () => {
    const { id, url } = await dogWithPhoto('Quill', 85);
    const statuses: DogStatus[] = ['intake', 'medical_hold', 'available', 'adoption_pending', 'adopted', 'returned', 'transferred_out', 'deceased'];
    for (const status of statuses) {
      await db.updateTable('dogs').set({ status }).where('id', '=', id).execute();
      const listed = (await get('/r/alpha/')).body.includes('Quill');
      expect(listed, status).toBe(status === 'available');
      const page = await get(`/r/alpha/dogs/${id}`);
      const hasPage = page.statusCode === 200;
      expect(hasPage, status).toBe(['available', 'adoption_pending', 'adopted'].includes(status));
      expect(page.body.includes(url), status).toBe(hasPage);
      expect((await get(url)).statusCode, status).toBe(hasPage ? 200 : 404);
    }
    await db.updateTable('dogs').set({ status: 'available', public_description: '  ' }).where('id', '=', id).execute();
    expect((await get(url)).statusCode, 'without a public description').toBe(404);
  });

  it('frames a missing photo\'s 404 page with the rescue\'s own name (read only for the error page)', async () => {
    await db.updateTable('rescue_settings').set({ name: 'Alpha Hounds Renamed', tagline: 'Every dog a home' }).execute();
    const missing = await get(`/r/alpha/photos/${'0'.repeat(64)}/medium.jpg`, { accept: 'text/html' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Alpha Hounds Renamed');
    const home = await get('/r/alpha/');
    expect(home.body).toContain('Alpha Hounds Renamed');
    expect(home.body).toContain('<p>Every dog a home</p>');
  });
});
