import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/platform/clock/clock.js';
import { launchBrowser } from '../harness/browser.js';
import { expectAxeClean, screenshotFor, signInToDemo, viewports } from '../harness/hub-browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const DAY = 86_400_000;
const refusal = 'This link does not give you access';

/**
 * The wall clock moved forward by hand: timers stay real (the job runner embeds the demo's photos),
 * while sessions, grants and limits are judged by `now()`, which the expiry check moves past a day.
 */
class ShiftedClock implements Clock {
  shift = 0;
  now(): number { return Date.now() + this.shift; }
  setTimer = systemClock.setTimer;
  clearTimer = systemClock.clearTimer;
}

// Issue 17 in a real Chromium on the real server: vets register, a rescue's admin verifies them in the
// hub, they search by microchip, photo and breed, ask for access, the rescue approves, and the vet
// reads the record, downloads a document, messages and uploads until the rescue revokes or the
// access expires; every refusal is a 403 (or the hub's sign-in), never the data. axe at both widths.
describe('vets: register, verify, search, consent, record, revoke and expire (Chromium)', () => {
  const clock = new ShiftedClock();
  let server: DemoServer;
  let browser: Browser | undefined;
  let staff: BrowserContext;
  let dir: string;
  let photo: string;
  let pdf: string;
  /** The second vet's grant (phone test), which the first vet must not open. */
  let otherGrant = '';

  beforeAll(async () => {
    // Jobs on: the demo's photos are embedded by the job runner just after start. Sessions outlast
    // the day the expiry check moves the clock by, so that check sees the grant's 403, not a sign-in.
    server = await serveDemo({ KONA_JOBS: 'true', KONA_SESSION_IDLE_MINUTES: String(4 * 24 * 60), KONA_SESSION_ABSOLUTE_HOURS: String(4 * 24) }, { clock });
    browser = await launchBrowser();
    dir = mkdtempSync(path.join(tmpdir(), 'kona-vets-browser-'));
    const feed = await (await fetch(`${server.url}/r/demo/dogs.json`)).json() as { dogs?: { name: string; photo?: { url: string } }[] } | { name: string; photo?: { url: string } }[];
    const biscuit = (Array.isArray(feed) ? feed : feed.dogs ?? []).find((d) => d.name === 'Biscuit')!;
    const original = Buffer.from(await (await fetch(`${server.url}${new URL(biscuit.photo!.url).pathname}`)).arrayBuffer());
    // A phone photo of the dog on the table, more or less: cropped, darker, recompressed.
    const m = await sharp(original).metadata();
    photo = path.join(dir, 'patient.jpg');
    writeFileSync(photo, await sharp(original).extract({ left: Math.round(m.width! * 0.05), top: Math.round(m.height! * 0.05), width: Math.round(m.width! * 0.9), height: Math.round(m.height! * 0.9) }).modulate({ brightness: 0.9 }).jpeg({ quality: 60 }).toBuffer());
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([612, 792]).drawText('Blood panel: all values within range.', { x: 56, y: 740, size: 11, font });
    pdf = path.join(dir, 'bloods.pdf');
    writeFileSync(pdf, await doc.save());
    staff = await browser.newContext({ viewport: viewports.desktop });
    staff.setDefaultTimeout(30_000);
    const page = await staff.newPage();
    await signInToDemo(page, server);
    await page.close();
    // Wait (bounded, under the per-address limit) until a photo search can compare with the demo's dogs.
    for (let i = 0; i < 12 && !(await photosEmbedded(server.url)); i++) await new Promise((r) => setTimeout(r, 1000));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Whether the public lost-and-found search already finds Biscuit by the photo (the vectors exist). */
  async function photosEmbedded(base: string): Promise<boolean> {
    const form = await fetch(`${base}/lost-and-found`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const body = new FormData();
    body.append('_csrf', token);
    body.append('photos', new Blob([new Uint8Array(readFileSync(photo))], { type: 'image/jpeg' }), 'x.jpg');
    const res = await fetch(`${base}/lost-and-found`, { method: 'POST', body, headers: { cookie } });
    return (await res.text()).includes('<h3>Biscuit</h3>');
  }

  /** Registers a vet on `page` and checks they are told they wait for verification. */
  async function register(page: Page, vet: { name: string; licence: string; email: string }): Promise<void> {
    await page.goto(`${server.url}/vet/register`);
    await page.getByRole('heading', { level: 1, name: 'Register as a vet' }).waitFor();
    await expectAxeClean(page);
    await page.getByLabel('Your name').fill(vet.name);
    await page.getByLabel('Clinic', { exact: true }).fill('Harbour Vets');
    await page.getByLabel('Clinic town or area').fill('Harbour Town');
    await page.getByLabel('Licence number').fill(vet.licence);
    await page.getByLabel('Email').fill(vet.email);
    await page.getByLabel('Password', { exact: true }).fill('a long enough vet password');
    await page.getByLabel('Password again').fill('a long enough vet password');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your vet account' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Your account is waiting for verification');
    // The home page and the search say the same until an admin verifies them.
    expect((await page.goto(`${server.url}/vet`))!.status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'Waiting for verification' }).waitFor();
    await expectAxeClean(page);
    expect((await page.goto(`${server.url}/vet/search`))!.status()).toBe(403);
  }

  /** The demo admin verifies the vet on the hub's Vets page. */
  async function verifyInHub(name: string): Promise<void> {
    const page = await staff.newPage();
    try {
      await page.goto(`${server.url}/r/demo/hub/vets`);
      await page.getByRole('button', { name: `Verify ${name}` }).click();
      await page.getByText('The vet was verified').waitFor();
      expect(await page.locator('main').innerText()).not.toContain(name);
    } finally {
      await page.close();
    }
  }

  /** The demo admin approves the vet's request for `dog` for `days`; returns the request (grant) id. */
  async function approveInHub(page: Page, vetName: string, dog: string, days: number): Promise<string> {
    await page.goto(`${server.url}/r/demo/hub/vet-requests`);
    const row = page.getByRole('row').filter({ hasText: vetName }).filter({ hasText: dog }).filter({ hasText: 'Waiting for a decision' });
    await row.getByRole('link', { name: vetName }).click();
    await page.getByRole('heading', { level: 1, name: `${vetName} asks for access to ${dog}` }).waitFor();
    await expectAxeClean(page);
    const id = /vet-requests\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.getByLabel('Access for how many days').fill(String(days));
    await page.getByRole('button', { name: 'Approve access' }).click();
    await page.getByRole('link', { name: 'Messages and documents under this access' }).waitFor();
    return id;
  }

  /** Searches on the vet's search page; the results section must show up. */
  async function search(page: Page, fill: (page: Page) => Promise<void>): Promise<void> {
    await page.goto(`${server.url}/vet/search`);
    await fill(page);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { level: 2, name: 'Dogs that may be the one' }).waitFor();
  }

  /** Sends the request form for the result `card` with a reason; back on the vet's home. */
  async function ask(page: Page, dog: string, reason: string): Promise<void> {
    await page.locator('main li.card').filter({ has: page.getByRole('heading', { level: 3, name: dog }) }).getByRole('link', { name: /Ask Demo Rescue for access/ }).click();
    await page.getByLabel('Why you need the record (required)').fill(reason);
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Your request was sent').waitFor();
  }

  it('a vet at phone width: waits, is verified, finds a dog by breed, asks and reads it (390 px)', async () => {
    const vet = await browser!.newContext({ viewport: viewports.phone });
    const hub = await browser!.newContext({ viewport: viewports.phone });
    try {
      const page = await vet.newPage();
      await register(page, { name: 'Dr Phone Example', licence: 'PH-2026-001', email: 'phone.vet@clinic.example' });
      await verifyInHub('Dr Phone Example');
      await page.goto(`${server.url}/vet`);
      await page.getByRole('heading', { level: 1, name: 'My access requests' }).waitFor();
      await expectAxeClean(page);
      await search(page, async (p) => { await p.getByLabel('Breed').fill('terrier'); });
      const first = page.locator('main li.card').first();
      expect(await first.getByRole('heading', { level: 3 }).innerText()).toBe('Pepper');
      expect(await first.innerText()).toContain('Matches the details you gave');
      await expectAxeClean(page);
      await screenshotFor(page, 'vets-search-phone', { fullPage: true });
      await ask(page, 'Pepper', 'Pepper is booked in for a dental; I need his vaccination history.');

      const hubPage = await hub.newPage();
      await signInToDemo(hubPage, server);
      otherGrant = await approveInHub(hubPage, 'Dr Phone Example', 'Pepper', 30);

      await page.goto(`${server.url}/vet`);
      await page.getByRole('link', { name: 'Pepper' }).click();
      await page.getByRole('heading', { level: 1, name: 'Pepper' }).waitFor();
      expect(page.url()).toBe(`${server.url}/vet/access/${otherGrant}`);
      await page.getByRole('heading', { level: 2, name: 'Vaccinations' }).waitFor();
      await expectAxeClean(page);
      await screenshotFor(page, 'vets-access-phone', { fullPage: true });
      // Nothing wider than the phone: the tables scroll inside their wrappers.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewports.phone.width);
    } finally {
      await vet.close();
      await hub.close();
    }
  }, 120_000);

  it('the full flow at desktop width, with revocation, expiry and every refusal', async () => {
    expect(otherGrant).toMatch(/^[0-9a-f-]{36}$/);
    const vet = await browser!.newContext({ viewport: viewports.desktop });
    vet.setDefaultTimeout(30_000);
    try {
      const page = await vet.newPage();
      const hub = await staff.newPage();
      const name = 'Dr Ada Example';

      // From the landing page to registration, then verification in the hub.
      await page.goto(`${server.url}/`);
      await page.getByRole('link', { name: 'Vets: find a rescue dog you are treating' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in as a vet' }).waitFor();
      await expectAxeClean(page);
      await page.getByRole('link', { name: 'Register as a vet' }).click();
      await page.getByRole('heading', { level: 1, name: 'Register as a vet' }).waitFor();
      await register(page, { name, licence: 'VET/2026/0042', email: 'ada@harbour-vets.example' });
      await hub.goto(`${server.url}/r/demo/hub/vets`);
      await hub.getByRole('heading', { level: 1, name: 'Vets waiting for verification' }).waitFor();
      await expectAxeClean(hub);
      await verifyInHub(name);

      // Signs in again (a fresh session), lands on the home page.
      await page.goto(`${server.url}/vet`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in as a vet' }).waitFor();
      await page.getByLabel('Email').fill('ada@harbour-vets.example');
      await page.getByLabel('Password').fill('a long enough vet password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'My access requests' }).waitFor();
      await expectAxeClean(page);

      // The demo has no microchips: the admin records one on Waffles (at the vet, on medical hold).
      await hub.goto(`${server.url}/r/demo/hub/dogs`);
      await hub.getByRole('link', { name: 'Waffles', exact: true }).first().click();
      const wafflesPath = new URL(hub.url()).pathname;
      await hub.goto(`${server.url}${wafflesPath}/edit`);
      await hub.getByLabel('Microchip number').fill('985112345678901');
      await hub.getByRole('button', { name: 'Save changes' }).click();
      await hub.waitForURL(/done=saved/);

      // By microchip (typed with spaces), never echoed back.
      await search(page, async (p) => { await p.getByLabel('Microchip number').fill('985 112 345 678 901'); });
      const chipResult = page.locator('main li.card').first();
      expect(await chipResult.getByRole('heading', { level: 3 }).innerText()).toBe('Waffles');
      expect(await chipResult.innerText()).toContain('Microchip matches');
      expect(await page.content()).not.toContain('985112345678901');
      await expectAxeClean(page);
      await screenshotFor(page, 'vets-search-desktop', { fullPage: true });
      const wafflesRequest = (await chipResult.getByRole('link', { name: /Ask Demo Rescue/ }).getAttribute('href'))!;
      await ask(page, 'Waffles', 'Waffles came in lame on the left hind; I need his treatment history.');

      // By photo: graded in words; its request reference is kept to alter later.
      await search(page, async (p) => { await p.getByLabel(/A photo of the dog/).setInputFiles(photo); });
      const photoResult = page.locator('main li.card').first();
      expect(await photoResult.getByRole('heading', { level: 3 }).innerText()).toBe('Biscuit');
      expect(await photoResult.innerText()).toContain('Photo looks very similar');
      expect(await page.locator('main').innerText()).not.toMatch(/\d\s?%/);
      expect(await photoResult.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      const biscuitRequest = (await photoResult.getByRole('link', { name: /Ask Demo Rescue/ }).getAttribute('href'))!;
      await ask(page, 'Biscuit', 'Biscuit is with us for a skin scrape; I need her vaccination dates.');

      // An altered reference is refused, with the one wording.
      const ref = decodeURIComponent(new URL(biscuitRequest, server.url).searchParams.get('ref')!);
      const altered = `${ref.slice(0, -2)}${ref.endsWith('AA') ? 'BB' : 'AA'}`;
      const alteredRes = (await page.goto(`${server.url}/vet/requests/new?ref=${encodeURIComponent(altered)}`))!;
      expect(alteredRes.status()).toBe(403);
      expect(await page.locator('main').innerText()).not.toContain('Biscuit');

      // The rescue approves Waffles for 30 days; the vet reads the record and downloads the document.
      const grant = await approveInHub(hub, name, 'Waffles', 30);
      await page.goto(`${server.url}/vet`);
      await page.getByRole('link', { name: 'Waffles' }).click();
      await page.getByRole('heading', { level: 1, name: 'Waffles' }).waitFor();
      const access = `${server.url}/vet/access/${grant}`;
      expect(page.url()).toBe(access);
      const record = await page.locator('main').innerText();
      expect(record).toContain('Rabies');
      expect(record).toContain('In the care of Demo Rescue');
      expect(record).not.toMatch(/foster|adopter|applicant/i);
      await expectAxeClean(page);
      await screenshotFor(page, 'vets-access-desktop', { fullPage: true });
      const docLink = page.locator('#documents-list-caption').locator('xpath=ancestor::table').getByRole('link').first();
      const docUrl = new URL((await docLink.getAttribute('href'))!, server.url).href;
      const [download] = await Promise.all([page.waitForEvent('download'), docLink.click()]);
      expect(readFileSync((await download.path())!).length).toBeGreaterThan(100);

      // Messages both ways.
      await page.getByLabel('Message', { exact: true }).fill('Is he still on the anti-inflammatories you started in the spring?');
      await page.getByRole('button', { name: 'Send message' }).click();
      await page.getByText('Your message was sent to the rescue.').waitFor();
      await hub.goto(`${server.url}/r/demo/hub/vet-grants/${grant}`);
      await hub.getByText('Is he still on the anti-inflammatories').waitFor();
      await expectAxeClean(hub);
      await hub.getByLabel('Message', { exact: true }).fill('Yes, until the end of the month.');
      await hub.getByRole('button', { name: 'Send message' }).click();
      await hub.getByText('Yes, until the end of the month.').waitFor();
      await page.reload();
      await page.getByText('Yes, until the end of the month.').waitFor();

      // The vet sends a PDF; staff accept it; it shows among the dog's medical documents.
      await page.getByLabel('Title').fill('Blood panel, December');
      await page.getByLabel('File', { exact: true }).setInputFiles(pdf);
      await page.getByRole('button', { name: 'Send document' }).click();
      await page.getByText('The document was sent.').waitFor();
      await hub.goto(`${server.url}/r/demo/hub/vet-grants/${grant}`);
      await hub.getByRole('button', { name: 'Accept “Blood panel, December” into the medical record' }).click();
      await hub.getByText('Accepted into the record').first().waitFor();
      await hub.goto(`${server.url}${wafflesPath}/medical`);
      await hub.locator('#documents').getByText('Blood panel, December').first().waitFor();

      // A second tab keeps the record open (and its forms) while the rescue revokes.
      const stale = await vet.newPage();
      await stale.goto(access);
      const requestForm = await vet.newPage();
      await requestForm.goto(new URL(wafflesRequest, server.url).href);
      const wafflesRef = await requestForm.locator('input[name="ref"]').inputValue();
      const replayToken = await requestForm.locator('main input[name="_csrf"]').inputValue();
      await requestForm.close();
      await hub.goto(`${server.url}/r/demo/hub/vet-requests/${grant}`);
      const hubToken = await hub.locator('main input[name="_csrf"]').first().inputValue();
      await hub.getByRole('button', { name: 'Revoke access' }).click();
      await hub.getByText('Revoked').first().waitFor();
      // A replayed approval (the form sent again) cannot reopen a revoked grant.
      const reapproved = await hub.request.post(`${server.url}/r/demo/hub/vet-requests/${grant}/approve`, { form: { _csrf: hubToken, days: '30' }, maxRedirects: 0 });
      expect(reapproved.status()).toBe(409);

      // At once: the page, the document, the photo and a message post answer 403.
      expect((await page.goto(access))!.status()).toBe(403);
      expect(await page.locator('main').innerText()).toContain(refusal);
      expect((await page.request.get(docUrl)).status()).toBe(403);
      expect((await page.request.get(`${access}/photo`)).status()).toBe(403);
      await stale.getByLabel('Message', { exact: true }).fill('One more question about his hip.');
      const [posted] = await Promise.all([stale.waitForResponse((r) => r.url().endsWith('/messages') && r.request().method() === 'POST'), stale.getByRole('button', { name: 'Send message' }).click()]);
      expect(posted.status()).toBe(403);
      await hub.goto(`${server.url}/r/demo/hub/vet-grants/${grant}`);
      expect(await hub.locator('main').innerText()).not.toContain('One more question');
      // A replayed request form makes a new request for the rescue to decide; it opens nothing.
      const replay = await page.request.post(`${server.url}/vet/requests`, { form: { _csrf: replayToken, ref: wafflesRef, reason: 'Again, please.' }, maxRedirects: 0 });
      expect(replay.status()).toBe(303);
      expect(replay.headers().location).toBe('/vet?done=sent');
      expect((await page.goto(access))!.status()).toBe(403);
      await stale.close();

      // Expiry: Biscuit approved for one day, then the server's clock moves past it.
      const shortGrant = await approveInHub(hub, name, 'Biscuit', 1);
      const shortAccess = `${server.url}/vet/access/${shortGrant}`;
      expect((await page.goto(shortAccess))!.status()).toBe(200);
      clock.shift += DAY + 60_000;
      expect((await page.goto(shortAccess))!.status()).toBe(403);
      expect(await page.locator('main').innerText()).toContain(refusal);
      await page.goto(`${server.url}/vet`);
      expect(await page.getByRole('row').filter({ hasText: 'Biscuit' }).first().innerText()).toContain('Access expired');

      // Never another vet's grant, a forged or malformed id, or the hub's people.
      for (const id of [otherGrant, randomUUID(), 'not-a-uuid', `${grant}'--`]) {
        const res = (await page.goto(`${server.url}/vet/access/${encodeURIComponent(id)}`))!;
        expect(res.status(), id).toBe(403);
        expect(await page.locator('main').innerText()).not.toContain('Pepper');
      }
      for (const hubUrl of ['/r/demo/hub/applications', '/r/demo/hub/people', `/r/demo/hub/vet-requests/${grant}`]) {
        await page.goto(`${server.url}${hubUrl}`);
        expect(new URL(page.url()).pathname, hubUrl).toBe('/r/demo/hub/sign-in');
        expect(await page.locator('main').innerText()).not.toContain('Dr Ada Example');
      }
      await hub.close();
    } finally {
      await vet.close();
    }
  }, 180_000);
});
