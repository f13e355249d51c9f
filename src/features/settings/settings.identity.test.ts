import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { contrastRatio } from '../../platform/locale/index.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { multipartBody } from '../photos/photos.testing.js';
import { settingsForm } from './settings.testing.js';

const about = `We are a small volunteer rescue in the hills. ${'Every dog is fostered in a home, walked daily and loved. '.repeat(6)}\n\nSecond paragraph only on the home page.`;

describe.each(engines)('the rescue identity on its public pages on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let adminEmail: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    const a = await t.addStaff('alpha', 'admin', { email: 'boss.admin@staff.example', name: 'Secret Staff Name' });
    adminEmail = a.email;
    admin = new Browser(t.app);
    await admin.signIn('/r/alpha', a.email, a.password);
    const res = await admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings', settingsForm({
      name: 'Hill Hounds', contact_email: 'hello@hillhounds.example', phone: '+64 9 123 4567', area: 'Waitakere, Auckland',
      website: 'https://hillhounds.example/', facebook: 'https://facebook.com/hillhounds', about, accent_colour: '#ffcc00',
    }));
    expect(res.statusCode).toBe(303);
  });
  afterAll(() => t.close());

  async function uploadLogo(data: Buffer, filename: string, type: string) {
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: await admin.csrf('/r/alpha/hub/settings') }, { name: 'logo', filename, type, data }]);
    const cookie = Object.entries(admin.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: '/r/alpha/hub/settings/logo', payload, headers: { 'content-type': contentType, cookie } });
  }

  it('shows name, accent, contact details, links and the whole about text on the home page', async () => {
    const home = await new Browser(t.app).get('/r/alpha/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<header class="site identity">');
    expect(home.body).toContain('style="--rescue-accent:#ffcc00;--rescue-accent-text:#000000"');
    expect(contrastRatio('#ffcc00', '#000000')).toBeGreaterThanOrEqual(4.5);
    expect(home.body).toContain('href="mailto:hello@hillhounds.example"');
    expect(home.body).toContain('href="tel:+6491234567"');
    expect(home.body).toContain('Waitakere, Auckland');
    expect(home.body).toContain('href="https://hillhounds.example/"');
    expect(home.body).toContain('href="https://facebook.com/hillhounds"');
    expect(home.body).toContain('Second paragraph only on the home page.');
  });

  it('shows a short part of the about text elsewhere, and nothing about staff on any public page', async () => {
    const signIn = await new Browser(t.app).get('/r/alpha/hub/sign-in');
    expect(signIn.body).toContain('We are a small volunteer rescue in the hills.');
    expect(signIn.body).not.toContain('Second paragraph');
    expect(signIn.body).toContain('More about Hill Hounds');
    for (const url of ['/r/alpha/', '/r/alpha/hub/sign-in']) {
      const body = (await new Browser(t.app).get(url)).body;
      expect(body).not.toContain(adminEmail);
      expect(body).not.toContain('Secret Staff Name');
    }
    const hub = await admin.get('/r/alpha/hub');
    expect(hub.body).not.toContain('--rescue-accent');
  });

  it('refuses a logo that is not a JPEG, PNG or WebP with a clear 400', async () => {
    const gif = await uploadLogo(await samplePhoto({ width: 40, height: 40, format: 'gif' }), 'logo.gif', 'image/gif');
    expect(gif.statusCode).toBe(400);
    expect(gif.body).toContain('The logo must be a JPEG, PNG or WebP image');
    const text = await uploadLogo(Buffer.from('not an image at all'), 'logo.png', 'image/png');
    expect(text.statusCode).toBe(400);
    expect((await new Browser(t.app).get('/r/alpha/logo.webp')).statusCode).toBe(404);
  });

  it('stores a logo without metadata, shows it in the header and serves it as the favicon', async () => {
    const res = await uploadLogo(await samplePhoto({ width: 1200, height: 600, gps: true }), 'logo.jpg', 'image/jpeg');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/r/alpha/hub/settings?done=logo');
    const home = await new Browser(t.app).get('/r/alpha/');
    const src = /<img class="logo" src="([^"]+)"/.exec(home.body)?.[1];
    expect(src).toMatch(/^\/r\/alpha\/logo\.webp\?v=[a-f0-9]{16}$/);
    const logo = await new Browser(t.app).get(src!);
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/webp');
    const meta = await sharp(logo.rawPayload).metadata();
    expect(meta.width).toBe(320);
    expect(meta.exif).toBeUndefined();
    const icon = await new Browser(t.app).get('/r/alpha/favicon.ico');
    expect(icon.headers['content-type']).toBe('image/png');
    expect(await sharp(icon.rawPayload).metadata()).toMatchObject({ width: 64, height: 64, format: 'png' });
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    expect(await db.selectFrom('audit_log').select('action').where('action', '=', 'settings.logo_updated').execute()).toHaveLength(1);

    const removed = await admin.post('/r/alpha/hub/settings/logo/remove', { _csrf: await admin.csrf('/r/alpha/hub/settings') });
    expect(removed.statusCode).toBe(303);
    expect((await new Browser(t.app).get('/r/alpha/')).body).not.toContain('class="logo"');
    expect((await new Browser(t.app).get('/r/alpha/favicon.ico')).headers['content-type']).not.toBe('image/png');
  });
});
