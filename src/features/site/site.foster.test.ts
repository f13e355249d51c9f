import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { isoToday } from '../dogs/dogs.public.js';
import { multipartBody } from '../photos/photos.testing.js';

const fosterName = 'Fenella Fosterhome';

// Issue 13: placing a dog in a foster home used to take it off the site without a word.
describe.each(engines)('an available dog in a foster home on the public site on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let dog: string;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    const foster = await signedInStaff(t, 'alpha', 'foster', { name: fosterName });
    const csrf = await staff.csrf('/r/alpha/hub/dogs');
    const created = await staff.post('/r/alpha/hub/dogs', {
      _csrf: csrf, name: 'Fostra', sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray',
      public_description: 'A sweet girl.', location: 'Kennel block 12',
    });
    dog = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(created.headers.location ?? '')![1]!;
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${dog}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: await samplePhoto({ width: 400, height: 300 }) }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dog}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
    expect((await staff.post(`/r/alpha/hub/dogs/${dog}/status`, { _csrf: csrf, to: 'available', reason: '' })).statusCode).toBe(303);
    const placed = await staff.post(`/r/alpha/hub/dogs/${dog}/foster`, { _csrf: csrf, foster: foster.id, started_on: isoToday() });
    expect(placed.headers.location).toBe(`/r/alpha/hub/dogs/${dog}?done=fostered`);
  });
  afterAll(() => t.close());

  it('stays available and adoptable in the hub, which says who is caring for it', async () => {
    const page = (await staff.get(`/r/alpha/hub/dogs/${dog}`)).body;
    expect(page).toContain('Status: Available');
    expect(page).toContain(`With a foster home: ${fosterName}`);
    expect(page).not.toContain('needs the status');
  });

  it('stays in the listing, the feed and the embed, and no public page names the foster or where the dog is', async () => {
    const pages = {
      listing: await get('/r/alpha/'),
      dog: await get(`/r/alpha/dogs/${dog}`),
      feed: await get('/r/alpha/dogs.json'),
      embed: await get('/r/alpha/embed'),
    };
    for (const [name, res] of Object.entries(pages)) {
      expect(res.statusCode, name).toBe(200);
      expect(res.body, name).toContain('Fostra');
      for (const secret of ['Fenella', 'Fosterhome', 'Kennel block 12', 'With a foster home', 'whereabouts']) expect(res.body, `${name}: ${secret}`).not.toContain(secret);
    }
    expect((JSON.parse(pages.feed.body) as { dogs: { id: string }[] }).dogs.map((d) => d.id)).toEqual([dog]);
  });
});
