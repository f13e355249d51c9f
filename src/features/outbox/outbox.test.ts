import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner } from '../../apps/web.js';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createLogger } from '../../platform/logging/logger.js';
import { enqueueMail } from '../../platform/mail/index.js';

const message = {
  to: 'carla.candidate@example.org',
  subject: 'We received your application for Pepper',
  text: 'Dear Carla,\n\nThanks for applying to adopt <b>Pepper</b>.',
  html: '<p>Thanks</p><script>alert(1)</script>',
};

describe.each(engines)('the outbox on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let file: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    await t.addTenant('beta');
    admin = (await signedInStaff(t, 'alpha', 'admin')).browser;
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db;
    await enqueueMail(db, t.rt.jobs, t.rt.ctx.secrets.keyRing, message, { idempotencyKey: 'application-received:1' });
    await (await createJobRunner(t.rt, createLogger('silent'))).runOnce();
    file = readdirSync(path.join(t.dataDir, 'outbox', 'alpha'))[0]!;
  });
  afterAll(() => t?.close());

  it('writes the message as an .eml file in the rescue\'s own outbox folder', () => {
    expect(file).toMatch(/^\d{8}T\d{6}\.\d{3}Z-\d+\.eml$/);
    expect(readdirSync(path.join(t.dataDir, 'outbox'))).toEqual(['alpha']);
  });

  it('lists it for an admin with time, recipient and subject, and says no SMTP server is set', async () => {
    const res = await admin.get('/r/alpha/hub/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Outbox</h1>');
    expect(res.body).toContain('href="/r/alpha/hub/outbox">Outbox</a>');
    expect(res.body).toContain('No SMTP server is configured');
    expect(res.body).toContain(message.to);
    expect(res.body).toContain(`<a href="/r/alpha/hub/outbox/${file}">${message.subject}</a>`);
    expect(res.body).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
  });

  it('shows the text body, escaped, and never the HTML version', async () => {
    const res = await admin.get(`/r/alpha/hub/outbox/${file}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thanks for applying to adopt &lt;b>Pepper&lt;/b>.');
    expect(res.body).toContain(message.subject);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('also has an HTML version');
  });

  it('answers 404 for traversal and unknown names, and 400 for a control character', async () => {
    for (const bad of ['..%2F..%2Fsecrets%2Fkeys.json', `..%2Fbeta%2F${file}`, '20250101T000000.000Z-1.eml', `${file}%2F..`]) {
      expect((await admin.get(`/r/alpha/hub/outbox/${bad}`)).statusCode, bad).toBe(404);
    }
    // The edge refuses a control character in any path parameter before a route sees it.
    expect((await admin.get(`/r/alpha/hub/outbox/${file}%00`)).statusCode).toBe(400);
    // A bare dot segment never reaches the route: the server normalises it away first.
    expect((await admin.get('/r/alpha/hub/outbox/.%2E')).statusCode).not.toBe(200);
  });

  it('keeps each rescue\'s outbox to itself', async () => {
    const other = (await signedInStaff(t, 'beta', 'admin')).browser;
    const res = await other.get('/r/beta/hub/outbox');
    expect(res.body).toContain('The outbox is empty.');
    expect(res.body).not.toContain(message.to);
    expect((await other.get(`/r/beta/hub/outbox/${file}`)).statusCode).toBe(404);
  });

  it('refuses the outbox to the staff role', async () => {
    const staff = (await signedInStaff(t, 'alpha', 'staff')).browser;
    expect((await staff.get('/r/alpha/hub/outbox')).statusCode).toBe(403);
    expect((await staff.get(`/r/alpha/hub/outbox/${file}`)).statusCode).toBe(403);
    expect((await staff.get('/r/alpha/hub')).body).not.toContain('/hub/outbox');
  });
});

describe('the outbox page with SMTP configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('embedded', { KONA_SMTP_URL: 'smtp://127.0.0.1:9' });
    await t.addTenant('gamma');
  });
  afterAll(() => t?.close());

  it('says mail goes out by SMTP and the outbox is not used, and that the server cannot be reached', async () => {
    const admin = (await signedInStaff(t, 'gamma', 'admin')).browser;
    const res = await admin.get('/r/gamma/hub/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Mail goes out through the SMTP server');
    expect(res.body).toContain('the outbox is not used');
    expect(res.body).toContain('smtp://127.0.0.1:9 cannot be used');
  });
});
