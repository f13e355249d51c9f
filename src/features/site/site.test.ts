import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { isoToday, monthsBefore } from '../dogs/dogs.public.js';
import { multipartBody } from '../photos/photos.testing.js';

const xssName = 'Rex <script>alert(1)</script>';
const xssText = 'Loves walks.\n\n<img src=x onerror=alert(1)> and "quotes"';

describe.each(engines)('public site on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let photo: Buffer;
  const ids: Record<string, string> = {};
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  async function newDog(fields: Record<string, string>): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), intake_date: '2024-03-01', intake_type: 'stray', ...fields });
    const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')?.[1];
    if (!id) throw new Error(`dog not created: ${res.statusCode} ${res.body.slice(0, 500)}`);
    return id;
  }
  async function upload(id: string): Promise<void> {
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${id}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: photo }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } });
    expect(res.statusCode).toBe(200);
  }
  const makeAvailable = (id: string) => db.updateTable('dogs').set({ status: 'available' }).where('id', '=', id).execute();
  const sha = async (id: string) => (await db.selectFrom('dog_photos').select('sha256').where('dog_id', '=', id).executeTakeFirstOrThrow()).sha256;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    photo = await samplePhoto({ width: 400, height: 300 });
    const desc = 'A gentle soul.';
    ids.bella = await newDog({ name: 'Bella', sex: 'female', size: 'small', age_months: '4', good_with_dogs: 'yes', adoption_fee: '150', public_description: desc, energy: 'high' });
    ids.rex = await newDog({ name: xssName, sex: 'male', size: 'large', birth_date: monthsBefore(isoToday(), 30), good_with_cats: 'yes', public_description: xssText });
    ids.nophoto = await newDog({ name: 'Nophoto', sex: 'female', size: 'small', public_description: desc });
    ids.nodesc = await newDog({ name: 'Nodesc', sex: 'female', size: 'small' });
    ids.intake = await newDog({ name: 'Intakey', sex: 'female', size: 'small', public_description: desc });
    ids.held = await newDog({ name: 'Holdy', sex: 'female', size: 'small', public_description: desc, on_hold: 'yes', hold_reason: 'meeting someone' });
    for (const key of ['bella', 'rex', 'nodesc', 'intake', 'held']) await upload(ids[key]!);
    for (const key of ['bella', 'rex', 'nophoto', 'nodesc', 'held']) await makeAvailable(ids[key]!);
    await db.updateTable('dogs').set({ bonded_with: ids.rex! }).where('id', '=', ids.bella!).execute();
    await db.updateTable('dogs').set({ bonded_with: ids.bella! }).where('id', '=', ids.rex!).execute();
  });
  afterAll(() => t.close());

  it('lists only adoptable dogs as cards with a responsive primary photo (srcset of the stored variants, the first cards eager)', async () => {
    const res = await get('/r/alpha/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Bella');
    expect(res.body).toContain('puppy, about 4 months');
    expect(res.body).toContain('2 years');
    for (const name of ['Nophoto', 'Nodesc', 'Intakey', 'Holdy']) expect(res.body).not.toContain(name);
    const bellaSha = await sha(ids.bella!);
    // The 400 × 300 sample has two distinct sizes: the 320 px thumbnail and the medium (not enlarged).
    const srcset = (ext: string) => `/r/alpha/photos/${bellaSha}/thumbnail.${ext} 320w, /r/alpha/photos/${bellaSha}/medium.${ext} 400w`;
    expect(res.body).toContain(`<source type="image/webp" srcset="${srcset('webp')}" sizes="`);
    expect(res.body).toContain(`<img src="/r/alpha/photos/${bellaSha}/medium.jpg" srcset="${srcset('jpg')}" sizes="`);
    expect(res.body).toMatch(/alt="Photo of Bella" width="400" height="300" loading="eager" fetchpriority="high"/);
    expect(res.body).toContain(`<h3><a href="/r/alpha/dogs/${ids.bella}">Bella</a></h3>`);
    expect(res.body).toContain('<p class="dog-card-line">A gentle soul.</p>');
    // Each half of the bonded pair says so on its card.
    expect(res.body).toContain('<p class="bonded">Bonded with Rex &lt;script>alert(1)&lt;/script> — adopted together</p>');
    expect(res.body).toContain('<p class="bonded">Bonded with Bella — adopted together</p>');
    // Filters fold behind one button, closed until a filter is set.
    expect(res.body).toContain('<details class="filters-fold"><summary>Filter dogs</summary>');
  });

  it('filters by size, sex, age band and good-with, with an empty state', async () => {
    const names = async (qs: string) => {
      const body = (await get(`/r/alpha/?${qs}`)).body;
      return [body.includes('>Bella</a></h3>'), body.includes('>Rex &lt;script>alert(1)&lt;/script></a></h3>')];
    };
    expect(await names('size=small')).toEqual([true, false]);
    expect(await names('sex=male')).toEqual([false, true]);
    expect(await names('age=puppy')).toEqual([true, false]);
    expect(await names('age=young')).toEqual([false, true]);
    expect(await names('good_with_dogs=yes')).toEqual([true, false]);
    expect(await names('good_with_cats=yes&sex=male&size=')).toEqual([false, true]);
    expect(await names('size=bogus&age=ancient')).toEqual([true, true]);
    const none = await get('/r/alpha/?size=xl');
    expect(none.body).toContain('No dogs match these filters.');
    expect(none.body).toContain('<option value="xl" selected');
    expect(none.body).toContain('<details class="filters-fold" open><summary>Filter dogs (1 set)</summary>');
  });

  it('shows an adoptable dog with photos, details, a bonded partner, an apply section and sharing meta tags', async () => {
    const res = await get(`/r/alpha/dogs/${ids.bella}`);
    expect(res.statusCode).toBe(200);
    const base = new URL('/r/alpha', t.rt.ctx.config.publicUrl).toString();
    const bellaSha = await sha(ids.bella!);
    expect(res.body).toContain('<meta name="description" content="A gentle soul."');
    expect(res.body).toContain('<meta property="og:title" content="Bella, looking for a home with Alpha Rescue"');
    expect(res.body).toContain('<meta property="og:description" content="A gentle soul."');
    expect(res.body).toContain(`<meta property="og:image" content="${base}/photos/${bellaSha}/large.jpg"`);
    expect(res.body).toContain('<meta property="og:type" content="website"');
    expect(res.body).toContain(`<link rel="canonical" href="${base}/dogs/${ids.bella}"`);
    expect(`${base}/photos/${bellaSha}/large.jpg`).toMatch(/^https?:\/\//);
    expect(res.body).toContain('150.00');
    expect(res.body).toContain('High');
    expect(res.body).toContain(`href="/r/alpha/dogs/${ids.rex}"`);
    expect(res.body).toContain('Apply to adopt');
    expect(res.body).toContain(`<a class="button apply" href="/r/alpha/dogs/${ids.bella}/apply">Apply to adopt Bella</a>`);
    expect(res.body).toContain('<dt>Special needs</dt><dd>None known</dd>');
    expect(res.body).toContain('<dt>Good with dogs</dt><dd>Yes</dd>');
    expect(res.body).toContain(`Bonded with <a href="/r/alpha/dogs/${ids.rex}">Rex &lt;script>alert(1)&lt;/script></a> — adopted together`);
    expect(res.body).not.toContain('<form method="post"');
    expect((await get(`/r/alpha/photos/${bellaSha}/large.jpg`)).statusCode).toBe(200);
  });

  it('answers 404 with a "no longer listed" page for a dog that is not adoptable, leaking nothing', async () => {
    for (const key of ['nophoto', 'nodesc', 'intake', 'held']) {
      const res = await get(`/r/alpha/dogs/${ids[key]}`);
      expect(res.statusCode, key).toBe(404);
      expect(res.body).toContain('This dog is no longer listed');
      expect(res.body).toContain('<a href="/r/alpha/">See the other dogs looking for a home</a>');
      expect(res.body).not.toMatch(/Nophoto|Nodesc|Intakey|Holdy|gentle soul/);
    }
    expect((await get('/r/alpha/dogs/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/r/alpha/dogs/not-a-uuid')).statusCode).toBe(404);
    // A partner that stops being adoptable is no longer linked.
    await db.updateTable('dogs').set({ on_hold: true }).where('id', '=', ids.rex!).execute();
    try {
      const page = (await get(`/r/alpha/dogs/${ids.bella}`)).body;
      expect(page).not.toContain(`/dogs/${ids.rex}`);
      // It is still named: Bella is not shown as available alone.
      expect(page).toContain('Bonded with Rex &lt;script>alert(1)&lt;/script> — adopted together');
    } finally {
      await db.updateTable('dogs').set({ on_hold: false }).where('id', '=', ids.rex!).execute();
    }
  });

  it('escapes a hostile name and description on the listing and dog page, and keeps them plain JSON strings in the feed', async () => {
    for (const url of ['/r/alpha/', `/r/alpha/dogs/${ids.rex}`]) {
      const body = (await get(url)).body;
      expect(body, url).not.toContain('<script>alert(1)</script>');
      expect(body, url).not.toContain('<img src=x');
      expect(body, url).toContain('Rex &lt;script>alert(1)&lt;/script>');
    }
    const page = (await get(`/r/alpha/dogs/${ids.rex}`)).body;
    expect(page).toContain('&lt;img src=x onerror=alert(1)> and &quot;quotes&quot;');
    expect(page).toContain('<p>Loves walks.</p>');
    const feed = await get('/r/alpha/dogs.json');
    expect(feed.headers['content-type']).toMatch(/^application\/json/);
    const rex = feed.json().dogs.find((d: { id: string }) => d.id === ids.rex);
    expect(rex.name).toBe(xssName);
    expect(rex.description).toBe(xssText);
  });

  it('publishes a JSON feed of adoptable dogs with absolute URLs', async () => {
    const res = await get('/r/alpha/dogs.json');
    expect(res.statusCode).toBe(200);
    const feed = res.json();
    const base = new URL('/r/alpha', t.rt.ctx.config.publicUrl).toString();
    expect(feed.rescue).toEqual({ name: 'Alpha Rescue', currency: 'EUR' });
    expect(feed.dogs.map((d: { name: string }) => d.name).sort()).toEqual(['Bella', xssName]);
    const bella = feed.dogs.find((d: { id: string }) => d.id === ids.bella);
    const photoUrl = (file: string) => `${base}/photos/${bellaSha}/${file}`;
    const bellaSha = await sha(ids.bella!);
    const { updated_at } = await db.selectFrom('dogs').select('updated_at').where('id', '=', ids.bella!).executeTakeFirstOrThrow();
    expect(bella).toEqual({
      id: ids.bella, name: 'Bella', sex: 'female', size: 'small', breed: null, age: 'puppy, about 4 months',
      good_with: { dogs: 'yes', cats: 'unknown', children: 'unknown' }, description: 'A gentle soul.', fee: '150.00',
      photo: { url: photoUrl('large.jpg'), alt: 'Photo of Bella' },
      photos: [{
        alt: 'Photo of Bella', width: 400, height: 300, primary: true,
        urls: Object.fromEntries(['thumbnail', 'medium', 'large'].map((size) => [size, { webp: photoUrl(`${size}.webp`), jpg: photoUrl(`${size}.jpg`) }])),
      }],
      bonded_with: { id: ids.rex, name: xssName },
      url: `${base}/dogs/${ids.bella}`,
      apply_url: `${base}/dogs/${ids.bella}/apply`,
      updated_at: new Date(updated_at).toISOString(),
    });
  });

  it('sends short shared-cache lifetimes with stale-while-revalidate and sets no cookie', async () => {
    for (const url of ['/r/alpha/', '/r/alpha/?size=small', `/r/alpha/dogs/${ids.bella}`, '/r/alpha/dogs.json']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('public, max-age=60, stale-while-revalidate=600');
      expect(res.headers['set-cookie'], url).toBeUndefined();
    }
    // A page with a form still gets its pre-session CSRF cookie.
    const signIn = await get('/r/alpha/hub/sign-in');
    expect(String(signIn.headers['set-cookie'])).toMatch(/kona_csrf=/);
  });
});
