import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { multipartBody, showDogPublicly } from './photos.testing.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(engines)('deleting dog photos on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let blobDir: string;
  const stored = () => new Set(filesUnder(blobDir).filter((f) => !f.startsWith('.tmp')).map((f) => path.basename(f)));
  const photosOf = (id: string) => db.selectFrom('dog_photos').selectAll().where('dog_id', '=', id).orderBy('position').execute();
  const keysOf = (p: { sha256: string; variants: Record<string, string> }) => [p.sha256, ...Object.values(p.variants)];

  async function upload(id: string, data: Buffer) {
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${id}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } });
    expect(res.statusCode).toBe(200);
  }
  async function newDog(name: string): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    await showDogPublicly(db, id);
    return id;
  }
  const remove = async (browser: Browser, id: string, photoId: string, form: Record<string, string> = { confirm: 'yes' }) =>
    browser.post(`/r/alpha/hub/dogs/${id}/photos/${photoId}/delete`, { _csrf: await browser.csrf(`/r/alpha/hub/dogs/${id}`), ...form });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    blobDir = path.join(t.rt.ctx.config.uploadsDir, 'alpha');
  });
  afterAll(() => t.close());

  it('keeps blobs another dog\'s photo shares, removes them with the last photo, and passes the primary on', async () => {
    const a = await newDog('Alpha');
    const b = await newDog('Bravo');
    const shared = await samplePhoto({ width: 120, height: 90 });
    const own = await samplePhoto({ width: 90, height: 120 });
    await upload(a, shared);
    await upload(a, own);
    await upload(b, shared);
    const [aShared, aOwn] = await photosOf(a);
    expect(aShared).toMatchObject({ is_primary: true });
    const [bShared] = await photosOf(b);
    expect(keysOf(bShared!)).toEqual(keysOf(aShared!));

    const res = await remove(staff, a, aShared!.id);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${a}?done=photo-deleted#photos`);
    expect((await photosOf(a)).map((p) => [p.id, p.is_primary])).toEqual([[aOwn!.id, true]]);
    for (const key of keysOf(aShared!)) expect(stored().has(key), key).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${bShared!.sha256}/medium.jpg` })).statusCode).toBe(200);

    expect((await remove(staff, b, bShared!.id)).statusCode).toBe(303);
    for (const key of keysOf(bShared!)) expect(stored().has(key), key).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${bShared!.sha256}/medium.jpg` })).statusCode).toBe(404);
    for (const key of keysOf(aOwn!)) expect(stored().has(key), key).toBe(true);

    expect((await remove(staff, a, aOwn!.id)).statusCode).toBe(303);
    for (const key of keysOf(aOwn!)) expect(stored().has(key), key).toBe(false);
    expect(stored().size).toBe(0);
    expect(filesUnder(path.join(blobDir, '.tmp'))).toEqual([]);
    const audit = await db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', a).where('action', '=', 'photo.deleted').orderBy('id').execute();
    expect(audit.map((r) => r.detail)).toEqual([{ photo: aShared!.id, new_primary: aOwn!.id }, { photo: aOwn!.id }]);
  });

  it('never leaves an upload of the same bytes pointing at a removed file when a deletion runs at the same time', async () => {
    const from = await newDog('Leaving');
    const to = await newDog('Arriving');
    for (let round = 0; round < 3; round++) {
      const bytes = await samplePhoto({ width: 70 + round, height: 50 });
      await upload(from, bytes);
      const [old] = await photosOf(from);
      await Promise.all([remove(staff, from, old!.id), upload(to, bytes)]);
      const fresh = (await photosOf(to)).find((p) => p.sha256 === old!.sha256)!;
      for (const key of keysOf(fresh)) expect(stored().has(key), `round ${round}: ${key}`).toBe(true);
      expect((await t.app.inject({ method: 'GET', url: `/r/alpha/photos/${fresh.sha256}/thumbnail.webp` })).statusCode).toBe(200);
    }
    expect(filesUnder(path.join(blobDir, '.tmp'))).toEqual([]);
  });

  it('asks for confirmation, refuses fosters and a missing CSRF token, and 404s an unknown photo', async () => {
    const id = await newDog('Careful');
    await upload(id, await samplePhoto({ width: 64, height: 64 }));
    const [photo] = await photosOf(id);
    const unconfirmed = await remove(staff, id, photo!.id, {});
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('The photo was not deleted');
    // A foster may not delete photos: not of another dog, nor of a dog in their care (403, the permission is checked first).
    const { browser: foster, id: fosterId } = await signedInStaff(t, 'alpha', 'foster');
    expect((await foster.post(`/r/alpha/hub/dogs/${id}/photos/${photo!.id}/delete`, { _csrf: await foster.csrf('/r/alpha/hub'), confirm: 'yes' })).statusCode).toBe(403);
    await db.insertInto('foster_assignments').values({ dog_id: id, foster_id: fosterId, started_on: '2024-03-02' }).execute();
    await db.updateTable('dogs').set({ foster_id: fosterId, whereabouts: 'foster' }).where('id', '=', id).execute();
    expect((await remove(foster, id, photo!.id)).statusCode).toBe(403);
    expect((await staff.post(`/r/alpha/hub/dogs/${id}/photos/${photo!.id}/delete`, { confirm: 'yes' })).statusCode).toBe(403);
    expect(await photosOf(id)).toHaveLength(1);
    for (const key of keysOf(photo!)) expect(stored().has(key)).toBe(true);
    expect((await remove(staff, id, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const page = await staff.get(`/r/alpha/hub/dogs/${id}`);
    expect(page.body).toContain('Delete photo');
    expect(page.body).toMatch(/<input id="confirm-photo-[0-9a-f-]{36}" type="checkbox" name="confirm" value="yes" required/);
  });
});
