import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePhoto } from '../../src/platform/images/sample-images.testing.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const fosterName = 'Robin Fosterhome';
const fosterPassword = 'a long foster password 42';
const note = 'Noodle ate all her dinner and napped on the porch. She is less shy with visitors now.';

// A foster (invited by the demo admin and given a dog to care for) adds a note and a photo in
// Chromium; the note is on the dog's timeline and the photo waits for staff, unseen by the public.
describe('a foster adds a note and a photo (Chromium)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let dogUrl = '';

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  // The admin invites a foster, who joins through the link; then the admin places Noodle with them.
  async function fosterWithADog(): Promise<{ admin: Page; foster: Page }> {
    const admin = await newPage();
    await admin.goto(`${server!.url}/r/demo/hub/sign-in`);
    await admin.getByLabel('Email').fill(server!.demo.email);
    await admin.getByLabel('Password').fill(server!.demo.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await admin.goto(`${server!.url}/r/demo/hub/staff`);
    await admin.getByLabel('Email', { exact: true }).fill('robin@example.org');
    await admin.getByLabel('Role', { exact: true }).selectOption('foster');
    await admin.getByRole('button', { name: 'Create invitation' }).click();
    const link = await admin.getByLabel('Invitation link').inputValue();

    const foster = await newPage();
    await foster.goto(link.replace(/^https?:\/\/[^/]+/, server!.url));
    await foster.getByLabel('Your name').fill(fosterName);
    await foster.getByLabel('Password', { exact: true }).fill(fosterPassword);
    await foster.getByLabel('Password again').fill(fosterPassword);
    await foster.getByRole('button', { name: 'Create my account' }).click();
    await foster.waitForURL(/\/r\/demo\/hub/);

    await admin.goto(`${server!.url}/r/demo/hub/dogs`);
    await admin.getByRole('link', { name: 'Noodle', exact: true }).click();
    await admin.getByRole('heading', { level: 1, name: 'Noodle' }).waitFor();
    dogUrl = admin.url().split('?')[0]!;
    await admin.getByRole('form', { name: 'Assign a foster home' }).getByLabel('Foster home').selectOption({ label: fosterName });
    await admin.getByRole('button', { name: 'Assign foster' }).click();
    await admin.getByText(`End the placement with ${fosterName}`).waitFor();
    return { admin, foster };
  }

  it('a foster opens the dog in their care, adds a note that shows on the timeline, and a photo that stays private until staff approve it', async () => {
    const { admin, foster } = await fosterWithADog();
    await foster.goto(`${server!.url}/r/demo/hub/my-dogs`);
    await foster.getByRole('heading', { level: 1, name: 'My dogs' }).waitFor();
    await foster.getByRole('link', { name: 'Noodle', exact: true }).click();
    await foster.getByRole('heading', { level: 1, name: 'Noodle' }).waitFor();
    expect(foster.url().split('?')[0]).toBe(dogUrl);

    // The note and upload forms are folded until asked for.
    await foster.getByText('Write a note about Noodle', { exact: true }).click();
    await foster.getByLabel('Note', { exact: true }).fill(note);
    await foster.getByRole('button', { name: 'Add note' }).click();
    await foster.waitForLoadState('load');
    const timeline = foster.locator('section[aria-labelledby="timeline-heading"]');
    await timeline.getByText(note).waitFor();
    expect(await timeline.locator('li', { hasText: note }).textContent()).toContain(fosterName);

    await foster.goto(dogUrl);
    await foster.getByText('Upload new photos', { exact: true }).click();
    await foster.getByLabel('Add photos').setInputFiles([{ name: 'noodle-porch.jpg', mimeType: 'image/jpeg', buffer: await samplePhoto({ width: 640, height: 480, noise: true }) }]);
    await foster.getByRole('button', { name: 'Upload photos' }).click();
    const item = foster.locator('#photos ol.photos > li').first();
    await item.waitFor({ timeout: 90_000 });
    expect(await item.locator('figcaption').textContent()).toMatch(/^Awaiting approval/);
    // A foster may not approve: no review buttons for them.
    expect(await item.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // Not public until approved: the public variant of the photo is not served, and Noodle is not listed.
    const src = await item.locator('img').getAttribute('src');
    const sha = /\/hub\/photos\/([0-9a-f]{64})\//.exec(src ?? '')?.[1];
    expect(sha).toBeDefined();
    expect((await fetch(`${server!.url}/r/demo/photos/${sha}/medium.jpg`)).status).toBe(404);
    const hubCopy = await foster.request.get(`${server!.url}${src}`);
    expect(hubCopy.status()).toBe(200);
    expect(await (await fetch(`${server!.url}/r/demo/`)).text()).not.toContain('Noodle');

    // Approved, it is still not public: Noodle is not shown on the site (not available for adoption yet).
    await admin.goto(dogUrl);
    await admin.locator('#photos ol.photos > li').first().getByRole('button', { name: 'Approve' }).click();
    await admin.waitForURL(/done=photo-approved/);
    expect((await fetch(`${server!.url}/r/demo/photos/${sha}/medium.jpg`)).status).toBe(404);
    expect((await foster.request.get(`${server!.url}${src}`)).status()).toBe(200);
  });
});
