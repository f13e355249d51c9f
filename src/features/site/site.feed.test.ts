import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { multipartBody } from '../photos/photos.testing.js';

interface FeedPhoto { alt: string; primary: boolean; urls: Record<string, Record<string, string>> }

describe.each(engines)('the JSON feed for other sites on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let dogId: string;
  const feedUrl = '/r/alpha/dogs.json';
  async function upload(photo: Buffer): Promise<void> {
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: photo }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dogId}/photos`, payload, headers: { 'content-type': contentType, cookie } });
    expect(res.statusCode).toBe(200);
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const res = await staff.post('/r/alpha/hub/dogs', {
      _csrf: await staff.csrf('/r/alpha/hub/dogs'), name: 'Scout', sex: 'male', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray',
      breeds: 'Collie, Whippet', good_with_dogs: 'yes', good_with_cats: 'no', good_with_children: 'yes', public_description: 'Quick and kind.',
      microchip: '985141000123456', location: 'Kennel block B', source: 'Found on Mill Lane', special_needs: 'Private vet note: limps on cold days',
    });
    dogId = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    for (const width of [400, 500, 600]) await upload(await samplePhoto({ width, height: 300 }));
    const photos = await db.selectFrom('dog_photos').select('id').where('dog_id', '=', dogId).orderBy('position').execute();
    await db.updateTable('dog_photos').set({ alt_text: 'Scout mid-leap' }).where('id', '=', photos[1]!.id).execute();
    // Not approved, so never public.
    await db.updateTable('dog_photos').set({ status: 'pending' }).where('id', '=', photos[2]!.id).execute();
    await db.updateTable('dogs').set({ status: 'available' }).where('id', '=', dogId).execute();
  });
  afterAll(() => t.close());

  it('lets a script on any website read it (GET and HEAD), without credentials', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await t.app.inject({ method, url: feedUrl, headers: { origin: 'https://www.alpha-rescue.example' } });
      expect(res.statusCode, method).toBe(200);
      expect(res.headers['access-control-allow-origin'], method).toBe('*');
      expect(res.headers['access-control-allow-credentials'], method).toBeUndefined();
      expect(res.headers['set-cookie'], method).toBeUndefined();
    }
  });

  it('answers a preflight for reading only', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS', url: feedUrl,
      headers: { origin: 'https://www.alpha-rescue.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-requested-with' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(res.headers['access-control-allow-headers']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives no other page CORS: the site, the hub, its sign-in and the photo files stay same-origin', async () => {
    const photo = (await db.selectFrom('dog_photos').select('sha256').where('dog_id', '=', dogId).executeTakeFirstOrThrow()).sha256;
    for (const url of ['/r/alpha/', `/r/alpha/dogs/${dogId}`, '/r/alpha/hub/sign-in', '/r/alpha/hub', `/r/alpha/photos/${photo}/large.jpg`, '/']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { origin: 'https://evil.example' } });
      expect(res.headers['access-control-allow-origin'], url).toBeUndefined();
    }
    expect((await staff.get('/r/alpha/hub')).headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({ method: 'OPTIONS', url: '/r/alpha/hub/dogs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives each dog its breed, good-with flags, every approved photo in order, the apply URL and when it last changed', async () => {
    const base = new URL('/r/alpha', t.rt.ctx.config.publicUrl).toString();
    const scout = (await t.app.inject({ method: 'GET', url: feedUrl })).json().dogs.find((d: { id: string }) => d.id === dogId);
    expect(scout.breed).toBe('Collie, Whippet');
    expect(scout.good_with).toEqual({ dogs: 'yes', cats: 'no', children: 'yes' });
    expect(scout.apply_url).toBe(`${base}/dogs/${dogId}/apply`);
    expect((await t.app.inject({ method: 'GET', url: new URL(scout.apply_url).pathname })).statusCode).toBe(200);
    const { updated_at } = await db.selectFrom('dogs').select('updated_at').where('id', '=', dogId).executeTakeFirstOrThrow();
    expect(scout.updated_at).toBe(new Date(updated_at).toISOString());

    const approved = await db.selectFrom('dog_photos').select(['sha256', 'is_primary']).where('dog_id', '=', dogId).where('status', '=', 'approved').orderBy('position').execute();
    expect(scout.photos.map((p: FeedPhoto) => p.alt)).toEqual(['Photo of Scout', 'Scout mid-leap']);
    expect(scout.photos.map((p: FeedPhoto) => p.primary)).toEqual(approved.map((p) => p.is_primary));
    for (const [i, p] of (scout.photos as FeedPhoto[]).entries()) {
      expect(Object.keys(p.urls).sort()).toEqual(['large', 'medium', 'thumbnail']);
      for (const [size, formats] of Object.entries(p.urls)) {
        expect(formats).toEqual({ webp: `${base}/photos/${approved[i]!.sha256}/${size}.webp`, jpg: `${base}/photos/${approved[i]!.sha256}/${size}.jpg` });
        const served = await t.app.inject({ method: 'GET', url: new URL(formats.webp!).pathname });
        expect(served.statusCode, formats.webp).toBe(200);
      }
    }
  });

  it('publishes public fields only: never the microchip, intake, notes, location or foster', async () => {
    const body = (await t.app.inject({ method: 'GET', url: feedUrl })).body;
    for (const secret of ['985141000123456', 'Kennel block B', 'Mill Lane', 'limps on cold days', 'intake', 'microchip', 'foster', 'location']) {
      expect(body, secret).not.toContain(secret);
    }
    const scout = JSON.parse(body).dogs[0];
    expect(Object.keys(scout).sort()).toEqual(['age', 'apply_url', 'bonded_with', 'breed', 'description', 'fee', 'good_with', 'id', 'name', 'photo', 'photos', 'sex', 'size', 'updated_at', 'url']);
  });
});
