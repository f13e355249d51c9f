import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createJobRunner } from '../../apps/web.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { vetCookie } from '../../platform/http/sessions.js';
import { descriptorEmbedder } from '../matching/matching.public.js';
import { photoEdits, syntheticPhoto } from '../matching/matching.testing.js';
import { multipartBody, type Part } from '../photos/photos.testing.js';
import { vetSearchLimit } from './search.audit.js';
import { rankVetCandidates, searchRescueForVet, type VetRescueResult } from './search.service.js';
import { microchipHash } from './vets.keys.js';
import { addTestVet, vetSessionFor, type TestVet } from './vets.testing.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const chip = (n: number) => `98100000000${String(n).padStart(4, '0')}`;

describe.each(engines)('the vet search on %s', (engine) => {
  let t: TestApp;
  const clock = new ManualClock(Date.now());
  const dbOf = async (slug: string) => (await t.rt.ctx.tenants.get(slug))!.db.kysely as Kysely<TenantSchema>;
  const dogs: Record<string, string> = {};
  let vet: TestVet;
  let browser: Browser;

  async function addRescue(slug: string, entries: { name: string; seed: number; chip: number; breeds: string[]; sex: 'male' | 'female'; born: string }[]) {
    await t.addTenant(slug, `${slug[0]!.toUpperCase()}${slug.slice(1)} Rescue`);
    const { browser: staff } = await signedInStaff(t, slug, 'admin');
    for (const e of entries) {
      const res = await staff.post(`/r/${slug}/hub/dogs`, { _csrf: await staff.csrf(`/r/${slug}/hub/dogs`), name: e.name, sex: e.sex, size: 'medium', intake_date: '2026-03-01', intake_type: 'stray' });
      const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
      dogs[`${slug}/${e.name}`] = id;
      const token = csrfFrom((await staff.get(`/r/${slug}/hub/dogs/${id}`)).body);
      const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.png', type: 'image/png', data: await syntheticPhoto(e.seed) }]);
      const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
      expect((await t.app.inject({ method: 'POST', url: `/r/${slug}/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie, accept: 'application/json' } })).statusCode).toBe(200);
      await (await dbOf(slug)).updateTable('dogs').set({ microchip: chip(e.chip), breeds: e.breeds, birth_date: e.born }).where('id', '=', id).execute();
    }
    return staff;
  }

  const vetBrowser = async (v: TestVet) => {
    const b = new Browser(t.app);
    b.setCookie(vetCookie(t.rt.ctx.config).name, await vetSessionFor(t.rt.ctx.control.kysely, v.id));
    return b;
  };
  /** Posts the search form as a browser would (multipart, the token first). */
  async function search(b: Browser, parts: Part[]) {
    const token = csrfFrom((await b.get('/vet/search')).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, ...parts]);
    const cookie = Object.entries(b.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: '/vet/search', payload, headers: { 'content-type': contentType, cookie } });
  }
  const names = (html: string) => [...html.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
  const photoPart = (data: Buffer): Part => ({ name: 'photo', filename: 'patient.png', type: 'image/png', data });

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_UPLOAD_MAX_MB: '2' }, { clock });
    await addRescue('alpha', [
      { name: 'Biscuit', seed: 301, chip: 1, breeds: ['Border Collie'], sex: 'female', born: '2022-05-01' },
      { name: 'Pepper', seed: 302, chip: 2, breeds: ['Labrador'], sex: 'male', born: '2016-01-01' },
    ]);
    await addRescue('beta', [{ name: 'Juno', seed: 303, chip: 3, breeds: ['Collie cross'], sex: 'female', born: '2023-02-01' }]);
    // Gamma has a dog with Juno's very chip and photo, and opts out through its settings page.
    const gamma = await addRescue('gamma', [{ name: 'Twin', seed: 303, chip: 3, breeds: ['Collie'], sex: 'female', born: '2023-02-01' }]);
    expect((await gamma.post('/r/gamma/hub/settings/vet-search', { _csrf: await gamma.csrf('/r/gamma/hub/settings'), vet_search: 'no' })).statusCode).toBe(303);
    expect((await gamma.get('/r/gamma/hub/settings?vets=saved')).body).toContain('The vet setting was saved.');
    await (await dbOf('beta')).updateTable('rescue_settings').set({ area: 'North Valley' }).execute();
    await (await createJobRunner(t.rt, pino({ level: 'silent' }))).runOnce();
    vet = await addTestVet(t.rt.ctx.control.kysely, t.rt.ctx.secrets.keyRing, { area: 'North Valley' });
    browser = await vetBrowser(vet);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a microchip finds exactly that dog, only in rescues that take part, and is audited by its keyed hash only', async () => {
    const res = await search(browser, [{ name: 'microchip', value: `${chip(3).slice(0, 5)} ${chip(3).slice(5)}` }]);
    expect(res.statusCode).toBe(200);
    expect(names(res.body)).toEqual(['Juno']);
    expect(res.body).toContain('Microchip matches');
    expect(res.body).toContain('In the care of Beta Rescue (North Valley)');
    expect(res.body).not.toContain(chip(3));
    const audit = await t.rt.ctx.control.kysely.selectFrom('audit_log').select(['actor_type', 'actor_id', 'detail']).where('action', '=', 'vet.search').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_type: 'vet', actor_id: vet.id });
    expect(audit.detail).toMatchObject({ signals: ['microchip'], microchipHash: microchipHash(t.rt.ctx.secrets.keyRing, chip(3)), rescuesSearched: 2, candidates: 1, rescuesShown: ['beta'] });
    expect(JSON.stringify(audit.detail)).not.toContain(chip(3));
    const shown = await (await dbOf('beta')).selectFrom('audit_log').select(['actor_type', 'detail']).where('action', '=', 'vet.search_shown').executeTakeFirstOrThrow();
    expect(shown.detail).toMatchObject({ dogIds: [dogs['beta/Juno']] });
    expect(await (await dbOf('gamma')).selectFrom('audit_log').select('id').where('action', '=', 'vet.search_shown').execute()).toHaveLength(0);
  });

  it('a photo finds the dog graded in words; details narrow it; an opted-out rescue is never searched', async () => {
    const edited = await photoEdits.crop!(await syntheticPhoto(303));
    const res = await search(browser, [photoPart(edited)]);
    expect(res.statusCode).toBe(200);
    const found = names(res.body);
    expect(found[0]).toBe('Juno');
    expect(found).not.toContain('Twin');
    expect(res.body).toContain('Photo looks very similar');
    expect(res.body).not.toMatch(/\d+\s?%/);
    const male = await search(browser, [photoPart(edited), { name: 'sex', value: 'male' }]);
    expect(names(male.body)).not.toContain('Juno');
    expect(male.body).toContain('value="male" selected');
  });

  it('a breed matches any of a dog\u2019s breeds by part, case aside; age narrows it', async () => {
    expect(names((await search(browser, [{ name: 'breed', value: 'COLLIE' }])).body).sort()).toEqual(['Biscuit', 'Juno']);
    const aged = await search(browser, [{ name: 'breed', value: 'collie' }, { name: 'age', value: '4' }, { name: 'area', value: 'North Valley' }]);
    expect(names(aged.body)).toEqual(['Juno', 'Biscuit']);
    expect(names((await search(browser, [{ name: 'breed', value: 'lab' }, { name: 'age', value: '2' }])).body)).toEqual([]);
    // A letter or two is not a breed: it would list most of a rescue's dogs.
    const vague = await search(browser, [{ name: 'breed', value: 'a' }]);
    expect(vague.statusCode).toBe(400);
    expect(vague.body).toContain('at least three letters of a breed');
    expect(names(vague.body)).toEqual([]);
  });

  it('a candidate carries exactly the allowed fields, and its photo is served to that vet only', async () => {
    const vector = await descriptorEmbedder.embed(await syntheticPhoto(301));
    const results: VetRescueResult[] = [];
    for (const slug of ['alpha', 'beta', 'gamma']) {
      const r = await searchRescueForVet({ slug, name: slug, db: await dbOf(slug) }, { vector, modelId: descriptorEmbedder.modelId, filter: {}, area: '' }, { id: vet.id, secret: t.rt.ctx.secrets.sessionSecret, now: clock.now() });
      if (r) results.push(r);
    }
    expect(results.map((r) => r.slug)).toEqual(['alpha', 'beta']);
    const { shown } = rankVetCandidates(results);
    expect(shown[0]).toMatchObject({ dogName: 'Biscuit', breeds: ['Border Collie'], sex: 'female', rescueName: 'Alpha Rescue', reasons: [{ kind: 'photo', grade: 'strong' }] });
    for (const c of shown) expect(Object.keys(c).sort()).toEqual(['ageYears', 'breeds', 'dogName', 'photoUrl', 'reasons', 'ref', 'rescueArea', 'rescueName', 'sex']);
    expect(JSON.stringify(shown)).not.toMatch(new RegExp(`${chip(1)}|${dogs['alpha/Biscuit']}|microchip|foster|adopter|notes`));
    const img = await browser.get(shown[0]!.photoUrl!);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toBe('private, max-age=300');
    const other = await vetBrowser(await addTestVet(t.rt.ctx.control.kysely, t.rt.ctx.secrets.keyRing));
    expect((await other.get(shown[0]!.photoUrl!)).statusCode).toBe(403);
  });

  it('a vet not yet verified sees only that they wait, and every search route answers 403', async () => {
    const pending = await vetBrowser(await addTestVet(t.rt.ctx.control.kysely, t.rt.ctx.secrets.keyRing, { status: 'pending' }));
    const home = await pending.get('/vet');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('waiting for verification');
    expect(home.body).not.toContain('/vet/search');
    expect((await pending.get('/vet/search')).statusCode).toBe(403);
    const token = csrfFrom(home.body);
    const post = await pending.post('/vet/search', { _csrf: token, breed: 'collie' });
    expect(post.statusCode).toBe(403);
    expect(post.body).toContain('not verified yet');
  });

  it('bad input gets a clear 400 or 413 with the form kept, never a 5xx', async () => {
    const jpeg = await (await import('sharp')).default(await syntheticPhoto(301)).jpeg().toBuffer();
    const breed = { name: 'breed', value: 'Spaniel' };
    const kit: [string, Part[], number][] = [
      ['nothing to look for', [{ name: 'sex', value: 'female' }], 400],
      ['letters for a chip', [breed, { name: 'microchip', value: 'abc123' }], 400],
      ['a short chip', [breed, { name: 'microchip', value: '12345' }], 400],
      ['an age of 99', [breed, { name: 'age', value: '99' }], 400],
      ['a sex not offered', [breed, { name: 'sex', value: 'other' }], 400],
      ['a control character', [breed, { name: 'area', value: 'x\u0007' }], 400],
      ['a huge field', [breed, { name: 'area', value: 'x'.repeat(5000) }], 413],
      ['text as a photo', [breed, photoPart(Buffer.from('not a photo at all'))], 400],
      ['an empty photo', [breed, photoPart(Buffer.alloc(0))], 400],
      ['a truncated JPEG', [breed, photoPart(jpeg.subarray(0, 300))], 400],
      ['two photos', [breed, photoPart(jpeg), photoPart(jpeg)], 413],
      ['a photo over the limit', [breed, photoPart(Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(2.5 * 1024 * 1024)]))], 413],
    ];
    for (const [what, parts, status] of kit) {
      const res = await search(browser, parts);
      expect({ what, status: res.statusCode }).toEqual({ what, status });
      expect(res.body, what).toMatch(/error-summary|class="notice error"/);
      if (what !== 'nothing to look for') expect(res.body, what).toContain('value="Spaniel"');
    }
    // Urlencoded (no photo) works as well, and a forged multipart token is refused.
    const plain = await browser.post('/vet/search', { _csrf: await browser.csrf('/vet/search'), breed: 'collie' });
    expect(plain.statusCode).toBe(200);
    const cookie = Object.entries(browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const forged = multipartBody([{ name: '_csrf', value: 'forged' }, breed]);
    expect((await t.app.inject({ method: 'POST', url: '/vet/search', payload: forged.payload, headers: { 'content-type': forged.contentType, cookie } })).statusCode).toBe(403);
    expect((await browser.get('/vet/photo?ref=not-a-ref')).statusCode).toBe(403);
    expect((await browser.get('/vet/photo')).statusCode).toBe(404);
  });

  it('limits searches per vet per hour, judged by the clock', async () => {
    const busy = await vetBrowser(await addTestVet(t.rt.ctx.control.kysely, t.rt.ctx.secrets.keyRing));
    const token = await busy.csrf('/vet/search');
    for (let i = 0; i < vetSearchLimit.max; i++) expect((await busy.post('/vet/search', { _csrf: token, microchip: chip(9) })).statusCode).toBe(200);
    const limited = await busy.post('/vet/search', { _csrf: token, microchip: chip(9), breed: 'Beagle' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('value="Beagle"');
    clock.advance(vetSearchLimit.windowMinutes * 60_000 + 1000);
    expect((await busy.post('/vet/search', { _csrf: token, microchip: chip(9) })).statusCode).toBe(200);
  });
});
