import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createJobRunner } from '../../apps/web.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { descriptorEmbedder } from '../matching/matching.public.js';
import { photoEdits, syntheticPhoto } from '../matching/matching.testing.js';
import { multipartBody, type Part } from '../photos/photos.testing.js';
import { pruneContactAttempts } from './lostfound.limits.js';
import { rankCandidates, searchRescue, type RescueResult } from './lostfound.search.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const privateMark = '9410000998877';

describe.each(engines)('lost and found on %s', (engine) => {
  let t: TestApp;
  const dbOf = async (slug: string) => (await t.rt.ctx.tenants.get(slug))!.db.kysely as Kysely<TenantSchema>;
  const dogs: Record<string, { id: string; slug: string }> = {};

  async function addRescue(slug: string, name: string, entries: [string, number][]) {
    await t.addTenant(slug, name);
    const { browser: staff } = await signedInStaff(t, slug, 'admin');
    for (const [dogName, seed] of entries) {
      const res = await staff.post(`/r/${slug}/hub/dogs`, { _csrf: await staff.csrf(`/r/${slug}/hub/dogs`), name: dogName, sex: 'female', size: 'medium', intake_date: '2026-03-01', intake_type: 'stray' });
      const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
      dogs[dogName] = { id, slug };
      const token = csrfFrom((await staff.get(`/r/${slug}/hub/dogs/${id}`)).body);
      const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.png', type: 'image/png', data: await syntheticPhoto(seed) }]);
      const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
      const up = await t.app.inject({ method: 'POST', url: `/r/${slug}/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie, accept: 'application/json' } });
      expect(up.statusCode).toBe(200);
      // Private facts a search must never show.
      await (await dbOf(slug)).updateTable('dogs').set({ microchip: `${privateMark}${String(Object.keys(dogs).length).padStart(2, '0')}` }).where('id', '=', id).execute();
    }
    return staff;
  }

  /** Posts a search as a browser would (the form's CSRF token first). */
  async function searchAt(path: string, parts: Part[], cutAt?: number) {
    const browser = new Browser(t.app);
    const page = await browser.get(path);
    const token = [{ name: '_csrf', value: csrfFrom(page.body) }];
    const body = multipartBody([...token, ...parts]);
    const { contentType } = body;
    const payload = cutAt === undefined ? body.payload : body.payload.subarray(0, cutAt);
    const cookie = Object.entries(browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: path, payload, headers: { 'content-type': contentType, cookie } });
  }
  const photo = async (data: Buffer): Promise<Part> => ({ name: 'photos', filename: 'found.jpg', type: 'image/jpeg', data });
  const names = (html: string) => [...html.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_UPLOAD_MAX_MB: '2' });
    await addRescue('alpha', 'Alpha Rescue', [['Biscuit', 301], ['Pepper', 302]]);
    await addRescue('beta', 'Beta Rescue', [['Juno', 303], ['Rolo', 304]]);
    const gamma = await addRescue('gamma', 'Gamma Rescue', [['Twin', 303]]);
    // Gamma opts out through its settings page; its dog has the very photo the searches use.
    const res = await gamma.post('/r/gamma/hub/settings/lost-and-found', { _csrf: await gamma.csrf('/r/gamma/hub/settings'), lost_and_found: 'no' });
    expect(res.statusCode).toBe(303);
    await (await dbOf('beta')).insertInto('rescue_settings').values({ name: 'Beta Rescue', updated_at: new Date(), area: 'North Valley' })
      .onConflict((oc) => oc.column('id').doUpdateSet({ area: 'North Valley' })).execute();
    await (await createJobRunner(t.rt, pino({ level: 'silent' }))).runOnce();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the root search finds the right dog first among the rescues, graded in words, and never searches a rescue that opted out', async () => {
    const res = await searchAt('/lost-and-found', [await photo(await photoEdits.crop!(await syntheticPhoto(303))), { name: 'where', value: 'Near the park' }]);
    expect(res.statusCode).toBe(200);
    const found = names(res.body);
    expect(found[0]).toBe('Juno');
    expect(found).not.toContain('Twin');
    expect(res.body).toContain('Looks very similar');
    expect(res.body).toContain('Compared with 2 rescues using the kona-descriptor-v1 image comparison');
    expect(res.body).not.toMatch(/\d+\s?%/);
    expect(res.body).not.toMatch(/this is your dog/i);
    expect(res.body).not.toContain(privateMark);
    expect(res.body).toContain('Beta Rescue</a> (North Valley)');
    expect(res.body).toContain('value="Near the park"');
  });

  it('a rescue page searches only that rescue', async () => {
    const res = await searchAt('/r/alpha/lost-and-found', [await photo(await syntheticPhoto(303))]);
    expect(res.statusCode).toBe(200);
    expect(names(res.body).sort()).toEqual(['Biscuit', 'Pepper']);
    expect(res.body).toContain('Compared with 1 rescue');
    // Gamma's own page is closed while it does not take part.
    expect((await t.app.inject({ url: '/r/gamma/lost-and-found' })).statusCode).toBe(404);
  });

  it('a candidate carries exactly the public-safe fields, and its photo is served for a dog not on the public listing', async () => {
    const vector = await descriptorEmbedder.embed(await syntheticPhoto(301));
    const results: RescueResult[] = [];
    for (const slug of ['alpha', 'beta', 'gamma']) {
      const r = await searchRescue({ slug, name: slug, db: await dbOf(slug) }, descriptorEmbedder, [vector]);
      if (r) results.push(r);
    }
    expect(results.map((r) => r.slug)).toEqual(['alpha', 'beta']);
    const ranked = rankCandidates(results);
    expect(ranked[0]!.dogName).toBe('Biscuit');
    expect(ranked[0]!.grade).toBe('strong');
    for (const c of ranked) expect(Object.keys(c).sort()).toEqual(['area', 'contactUrl', 'dogName', 'grade', 'photoUrl', 'rescueName', 'rescueUrl']);
    expect(JSON.stringify(ranked)).not.toMatch(new RegExp(`${privateMark}|${dogs.Biscuit!.id}|microchip|foster|adopter|notes`));
    const img = await t.app.inject({ url: ranked[0]!.photoUrl });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
  });

  it('a message to the rescue is stored encrypted, notifies its admins, queues an email, and is rate limited per address', async () => {
    const db = await dbOf('alpha');
    await db.updateTable('rescue_settings').set({ contact_email: 'desk@alpha.example.org' }).execute();
    const ranked = rankCandidates([(await searchRescue({ slug: 'alpha', name: 'alpha', db }, descriptorEmbedder, [await descriptorEmbedder.embed(await syntheticPhoto(302))]))!]);
    const url = ranked[0]!.contactUrl;
    const browser = new Browser(t.app);
    const bad = await browser.post(url, { _csrf: await browser.csrf(url), name: 'Sam Finder', email: 'not-an-email', message: 'I found her by the river.' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('must be an email address');
    expect(bad.body).toContain('value="Sam Finder"');
    expect(bad.body).toContain('I found her by the river.');
    const sent = await browser.post(url, { _csrf: await browser.csrf(url), name: 'Sam Finder', email: 'sam@example.org', phone: '', message: 'I found her by the river.' });
    expect(sent.statusCode).toBe(303);
    const rows = await db.selectFrom('lostfound_contacts').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dog_id).toBe(dogs.Pepper!.id);
    expect(JSON.stringify(rows)).not.toMatch(/Sam Finder|sam@example\.org|river/);
    expect(t.rt.ctx.secrets.keyRing.decrypt(rows[0]!.email_enc)).toBe('sam@example.org');
    const notices = await db.selectFrom('notifications').select(['kind', 'title']).where('kind', '=', 'lostfound.contact').execute();
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]!.title).toBe('Lost and found: a message about Pepper');
    // Staff read it in the hub (people.view); a foster, who may not see people's details, cannot.
    const { browser: viewer } = await signedInStaff(t, 'alpha', 'viewer');
    const inbox = await viewer.get('/r/alpha/hub/lost-and-found');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain(`id="message-${rows[0]!.id}"`);
    for (const text of ['Sam Finder', 'sam@example.org', 'I found her by the river.', 'Pepper']) expect(inbox.body).toContain(text);
    const { browser: foster } = await signedInStaff(t, 'alpha', 'foster');
    expect((await foster.get('/r/alpha/hub/lost-and-found')).statusCode).toBe(403);
    expect((await viewer.get('/r/beta/hub/lost-and-found')).statusCode).not.toBe(200);
    const mail = await db.selectFrom('jobs').select('payload').where('name', '=', 'mail.send').execute();
    expect(mail).toHaveLength(1);
    expect(JSON.stringify(mail[0]!.payload)).not.toContain('sam@example.org');
    for (let i = 0; i < 4; i++) expect((await browser.post(url, { _csrf: await browser.csrf(url), name: 'Sam', email: 'sam@example.org', message: `again ${i}` })).statusCode).toBe(303);
    const limited = await browser.post(url, { _csrf: await browser.csrf(url), name: 'Sam', email: 'sam@example.org', message: 'one too many' });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('one too many');
    expect(await db.selectFrom('lostfound_contacts').select('id').execute()).toHaveLength(5);
    // The daily sweep forgets counts once they no longer count (the messages themselves stay).
    expect(await pruneContactAttempts(db, Date.now())).toBe(0);
    expect(await pruneContactAttempts(db, Date.now() + 3 * 3_600_000)).toBe(5);
  });

  it('bad uploads get a clear 400 or 413 with the form kept, never a 5xx', async () => {
    const good = await syntheticPhoto(301);
    const jpeg = await (await import('sharp')).default(good).jpeg().toBuffer();
    const bomb = await (await import('sharp')).default({ create: { width: 9000, height: 6000, channels: 3, background: '#888' } }).png({ compressionLevel: 9 }).toBuffer();
    const where = { name: 'where', value: 'By the old mill' };
    const file = (data: Buffer, filename = 'x.jpg', type = 'image/jpeg'): Part => ({ name: 'photos', filename, type, data });
    const kit: [string, Part[], number][] = [
      ['zero bytes', [file(Buffer.alloc(0))], 400],
      ['a truncated JPEG', [file(jpeg.subarray(0, Math.floor(jpeg.length / 2)))], 400],
      ['a truncated PNG', [file(good.subarray(0, 200), 'x.png', 'image/png')], 400],
      ['text named .jpg', [file(Buffer.from('hello, I am not a photo'))], 400],
      ['a decompression bomb', [file(bomb, 'x.png', 'image/png')], 413],
      ['an SVG with script', [file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg', 'image/svg+xml')], 400],
      ['a GIF', [file(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'), 'x.gif', 'image/gif')], 400],
      ['too many files', [file(jpeg), file(jpeg), file(jpeg), file(jpeg)], 413],
      ['a file over the size limit', [file(Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(2.5 * 1024 * 1024)]))], 413],
      ['no photo at all', [], 400],
      ['a field with control characters', [file(jpeg), { name: 'colour', value: 'brown\u0007' }], 400],
      ['a huge field', [file(jpeg), { name: 'colour', value: 'x'.repeat(5000) }], 413],
      ['a bad date', [file(jpeg), { name: 'when', value: 'yesterday' }], 400],
    ];
    for (const [what, parts, status] of kit) {
      for (const path of ['/lost-and-found', '/r/beta/lost-and-found']) {
        const res = await searchAt(path, [where, ...parts]);
        expect({ what, path, status: res.statusCode }).toEqual({ what, path, status });
        expect(res.body, what).toContain('value="By the old mill"');
        expect(res.body, what).toMatch(/role="alert"|class="notice error"|error-summary/);
      }
    }
    // A body cut off mid-file (the connection dropped), and one without the form's token.
    const cut = await searchAt('/lost-and-found', [where, file(jpeg)], 600);
    expect(cut.statusCode).toBe(400);
    expect(cut.body).toMatch(/cut off or garbled|could not be read as a photo/);
    expect(cut.body).toContain('value="By the old mill"');
    const browser = new Browser(t.app);
    const plain = await browser.post('/lost-and-found', { _csrf: await browser.csrf('/lost-and-found'), where: 'By the old mill' });
    expect(plain.statusCode).toBe(400);
    expect(plain.body).toContain('multipart/form-data');
    expect(plain.body).toContain('value="By the old mill"');
    const forged = await t.app.inject({ method: 'POST', url: '/lost-and-found', headers: { 'content-type': 'multipart/form-data; boundary=abc', 'x-csrf-token': 'forged' }, payload: '--abc--\r\n' });
    expect(forged.statusCode).toBe(403);
  });
});
