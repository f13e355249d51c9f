import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { multipartBody, showDogPublicly } from '../photos/photos.testing.js';
import { listingPageSize } from './site.service.js';

// A shared link outlives the listing: pending and adopted dogs keep a page (and its photo), every
// other dog's link says plainly it is no longer listed; the listing pages and keeps its filters.
describe.each(engines)('shared links and paging on the public site on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  let photoWidth = 120;
  /** A listed dog with one uploaded photo of its own (a new size, so new bytes), through the hub as staff would; its id and photo URL. */
  async function listedDog(name: string) {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    await showDogPublicly(db, id);
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${id}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: await samplePhoto({ width: photoWidth++, height: 90 }) }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
    const photo = await db.selectFrom('dog_photos').select(['sha256', 'variants', 'width', 'height']).where('dog_id', '=', id).executeTakeFirstOrThrow();
    return { id, photo, photoUrl: `/r/alpha/photos/${photo.sha256}/medium.jpg`, page: `/r/alpha/dogs/${id}` };
  }
  const setStatus = (id: string, status: DogStatus) => db.updateTable('dogs').set({ status }).where('id', '=', id).execute();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('shows "adoption pending" (200) with the photo and the other dogs, and no apply button', async () => {
    const dog = await listedDog('Pippa');
    await setStatus(dog.id, 'adoption_pending');
    const res = await get(dog.page);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Pippa: adoption pending</h1>');
    expect(res.body).toContain('<meta property="og:title" content="Pippa: adoption pending at Alpha Rescue"/>');
    expect(res.body).toContain('<a href="/r/alpha/">See the other dogs looking for a home</a>');
    expect(res.body).not.toContain('/apply');
    expect(res.body).toContain(dog.photoUrl);
    expect((await get(dog.photoUrl)).statusCode).toBe(200);
    expect((await get('/r/alpha/')).body).not.toContain('Pippa');
  });

  it('shows an adopted dog\'s happy ending (200) with its photo served and nothing of the adopter', async () => {
    const dog = await listedDog('Hazel');
    const contact = await db.insertInto('contacts').values({ name_enc: 'sealed adopter name', roles: ['adopter'] }).returning('id').executeTakeFirstOrThrow();
    await db.updateTable('dogs').set({ status: 'adopted', adopter_contact_id: contact.id }).where('id', '=', dog.id).execute();
    const res = await get(dog.page);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Hazel has found a home</h1>');
    expect(res.body).toContain('<meta property="og:title" content="Hazel found a home with Alpha Rescue"/>');
    expect(res.body).toContain(dog.photoUrl);
    expect(res.body).not.toContain('/apply');
    expect(res.body).not.toMatch(/adopter|@/i);
    // Defect 3's rule, extended: the happy-ending page's photo is public while the page is.
    expect((await get(dog.photoUrl)).statusCode).toBe(200);
    expect((await get(`/r/alpha/photos/${dog.photo.sha256}/large.webp`)).statusCode).toBe(200);
    // Taken off the site (its public description cleared), the page is gone and so is the photo.
    await db.updateTable('dogs').set({ public_description: '' }).where('id', '=', dog.id).execute();
    const gone = await get(dog.page);
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('This dog is no longer listed');
    expect(gone.body).not.toContain('Hazel');
    expect((await get(dog.photoUrl)).statusCode).toBe(404);
  });

  it('says "no longer listed" with a link to the other dogs: 410 once the dog has left, 404 while it may come back', async () => {
    const cases: [DogStatus, number][] = [['transferred_out', 410], ['deceased', 410], ['medical_hold', 404], ['intake', 404], ['returned', 404]];
    const dog = await listedDog('Juno');
    for (const [status, code] of cases) {
      await setStatus(dog.id, status);
      const res = await get(dog.page);
      expect(res.statusCode, status).toBe(code);
      expect(res.headers['content-type'], status).toBe('text/html; charset=utf-8');
      expect(res.body, status).toContain('This dog is no longer listed');
      expect(res.body, status).toContain('<a href="/r/alpha/">See the other dogs looking for a home</a>');
      expect(res.body, status).toContain('<meta name="robots" content="noindex"/>');
      expect(res.body, status).not.toContain('Juno');
      expect((await get(dog.photoUrl)).statusCode, status).toBe(404);
    }
    expect((await get('/r/alpha/dogs/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('pages a long listing, and its paging links keep the filters', async () => {
    await db.updateTable('dogs').set({ status: 'intake' }).execute();
    const first = await listedDog('Aaron');
    // More listed dogs sharing the first one's stored photo (the blob is the same bytes).
    const count = listingPageSize + 3;
    for (let i = 1; i < count; i++) {
      const { id } = await db.insertInto('dogs').values({ name: `Dog${String(i).padStart(2, '0')}`, sex: i % 2 ? 'male' : 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray', status: 'available', public_description: 'Kind.' }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('dog_photos').values({ dog_id: id, sha256: first.photo.sha256, variants: JSON.stringify(first.photo.variants), width: first.photo.width, height: first.photo.height, status: 'approved', uploaded_by: null, approved_by: null }).execute();
    }
    const cards = (body: string) => body.match(/class="dog-card"/g)?.length ?? 0;
    const one = await get('/r/alpha/');
    expect(cards(one.body)).toBe(listingPageSize);
    expect(one.body).toContain(`Page 1 of 2 (${count} dogs)`);
    expect(one.body).toContain('<a rel="next" href="/r/alpha/?page=2">More dogs</a>');
    const two = await get('/r/alpha/?page=2');
    expect(cards(two.body)).toBe(3);
    expect(two.body).toContain('<a rel="prev" href="/r/alpha/">Previous dogs</a>');
    // Past the end shows the last page; nonsense is page 1.
    expect(cards((await get('/r/alpha/?page=99')).body)).toBe(3);
    expect(cards((await get('/r/alpha/?page=abc')).body)).toBe(listingPageSize);
    // Only the first cards load their photo at once.
    expect(one.body.match(/loading="eager"/g)?.length).toBe(3);
    // With a filter (7 males of 15), still paged and the links carry it.
    await db.updateTable('dogs').set({ size: 'medium' }).where('sex', '=', 'male').execute();
    const males = await get('/r/alpha/?size=medium&sex=male');
    expect(cards(males.body)).toBe(7);
    expect(males.body).not.toContain('rel="next"');
    await db.updateTable('dogs').set({ size: 'medium' }).execute();
    const filtered = await get('/r/alpha/?size=medium');
    expect(filtered.body).toContain('<a rel="next" href="/r/alpha/?size=medium&amp;page=2">More dogs</a>');
    expect((await get('/r/alpha/?size=medium&page=2')).body).toContain('<a rel="prev" href="/r/alpha/?size=medium">Previous dogs</a>');
  });
});
