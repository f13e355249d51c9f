import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { isoToday, monthsBefore } from '../dogs/dogs.public.js';
import { multipartBody } from '../photos/photos.testing.js';
import { embedStyleHash } from './embed.views.js';

const xssName = 'Rex <script>alert(1)</script>';

describe.each(engines)('embeddable listing on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let photo: Buffer;
  const ids: Record<string, string> = {};
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  async function newDog(fields: Record<string, string>): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), intake_date: '2024-03-01', intake_type: 'stray', public_description: 'A gentle soul.', ...fields });
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
  const sha = async (id: string) => (await db.selectFrom('dog_photos').select('sha256').where('dog_id', '=', id).executeTakeFirstOrThrow()).sha256;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    photo = await samplePhoto({ width: 400, height: 300 });
    ids.bella = await newDog({ name: 'Bella', sex: 'female', size: 'small', age_months: '4' });
    ids.rex = await newDog({ name: xssName, sex: 'male', size: 'large', birth_date: monthsBefore(isoToday(), 30) });
    ids.intake = await newDog({ name: 'Intakey', sex: 'female', size: 'small' });
    ids.held = await newDog({ name: 'Holdy', sex: 'female', size: 'small', on_hold: 'yes', hold_reason: 'meeting someone' });
    for (const key of ['bella', 'rex', 'intake', 'held']) await upload(ids[key]!);
    await db.updateTable('dogs').set({ status: 'available' }).where('id', 'in', [ids.bella!, ids.rex!, ids.held!]).execute();
  });
  afterAll(() => t.close());

  it('lists only adoptable dogs, with photo, age, sex and size, linking out of the frame to the dog page', async () => {
    const res = await get('/r/alpha/embed');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('>Bella<');
    expect(res.body).toContain('puppy, about 4 months · Female · Small');
    for (const name of ['Intakey', 'Holdy']) expect(res.body).not.toContain(name);
    const base = new URL('/r/alpha', t.rt.ctx.config.publicUrl).toString();
    expect(res.body).toContain(`<a href="${base}/dogs/${ids.bella}" target="_blank" rel="noopener">`);
    expect(res.body).toContain(`<img src="/r/alpha/photos/${await sha(ids.bella!)}/thumbnail.jpg" alt="Photo of Bella"`);
    // Half of a bonded pair says so, inside the frame too.
    expect(res.body).not.toContain('Bonded with');
    await db.updateTable('dogs').set({ bonded_with: ids.rex! }).where('id', '=', ids.bella!).execute();
    try {
      expect((await get('/r/alpha/embed')).body).toContain('<p>Bonded with Rex &lt;script>alert(1)&lt;/script> — adopted together</p>');
    } finally {
      await db.updateTable('dogs').set({ bonded_with: null }).where('id', '=', ids.bella!).execute();
    }
    expect(res.body).not.toMatch(/<script|<link rel="stylesheet"/);
    expect((await get(`/r/alpha/photos/${await sha(ids.bella!)}/thumbnail.jpg`)).statusCode).toBe(200);
  });

  it('renders a hostile name as text', async () => {
    const body = (await get('/r/alpha/embed')).body;
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('Rex &lt;script>alert(1)&lt;/script>');
  });

  it('may be framed by any site while every other page stays unframeable', async () => {
    const embed = await get('/r/alpha/embed');
    expect(embed.headers['x-frame-options']).toBeUndefined();
    const csp = String(embed.headers['content-security-policy']);
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'self' ${embedStyleHash}`);
    for (const url of ['/r/alpha/', `/r/alpha/dogs/${ids.bella}`, '/r/alpha/dogs.json', '/r/alpha/hub/sign-in', '/']) {
      const res = await get(url);
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(String(res.headers['content-security-policy'] ?? ''), url).not.toContain('frame-ancestors');
    }
  });

  it('has the public cache lifetime and sets no cookie', async () => {
    const res = await get('/r/alpha/embed?size=small');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=600');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('applies the listing filters and a limit', async () => {
    const names = async (qs: string) => {
      const body = (await get(`/r/alpha/embed?${qs}`)).body;
      return [body.includes('>Bella<'), body.includes('>Rex &lt;script>')];
    };
    expect(await names('size=small')).toEqual([true, false]);
    expect(await names('sex=male&good_with_cats=')).toEqual([false, true]);
    expect(await names('age=puppy')).toEqual([true, false]);
    expect(await names('limit=1')).toEqual([true, false]);
    expect(await names('limit=2&utm_source=newsletter')).toEqual([true, true]);
    expect((await get('/r/alpha/embed?size=xl')).body).toContain('No dogs are listed right now');
  });

  it('refuses a bad parameter with 400 and says which one and why, still frameable', async () => {
    const cases: [string, string][] = [
      ['size=huge', 'size must be one of small, medium, large, xl'],
      ['sex=other', 'sex must be one of female, male'],
      ['age=ancient', 'age must be one of puppy, young, adult, senior'],
      ['good_with_dogs=true', 'good_with_dogs must be &quot;yes&quot; or left out'],
      ['limit=0', 'limit must be at least 1'],
      ['limit=500', 'limit must be at most 100'],
      ['limit=ten', 'limit must be a whole number'],
      ['limit=1.5', 'limit must be a whole number'],
    ];
    for (const [qs, message] of cases) {
      const res = await get(`/r/alpha/embed?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.body, qs).toContain(message);
      expect(res.headers['cache-control'], qs).toBe('no-store');
      expect(String(res.headers['content-security-policy']), qs).toContain('frame-ancestors *');
    }
    const two = await get('/r/alpha/embed?size=huge&limit=0');
    expect(two.body).toContain('size must be one of');
    expect(two.body).toContain('limit must be at least 1');
  });

  it('shows admins the embed code and the JSON feed on the settings page', async () => {
    const { browser: admin } = await signedInStaff(t, 'alpha', 'admin');
    const body = (await admin.get('/r/alpha/hub/settings')).body;
    const base = new URL('/r/alpha', t.rt.ctx.config.publicUrl).toString();
    expect(body).toContain('<label for="embed-code">Embed code</label>');
    expect(body).toContain(`&lt;iframe src=&quot;${base}/embed&quot; title=&quot;Dogs looking for a home&quot;`);
    expect(body).toContain(`href="${base}/dogs.json"`);
    expect(body).toMatch(/<textarea id="embed-code" readonly/i);
  });
});
