import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePhoto } from '../../src/platform/images/sample-images.testing.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const description = 'Maple is a calm, curious girl who loves a slow morning walk.\n\nShe rides well in the car.';

// Staff adds a dog through the hub's forms, uploads two real JPEGs at once, picks the primary photo
// and writes alt text, publishes the dog and finds it on the public site, in Chromium.
describe('staff adds a dog with photos and publishes it (Chromium)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server!.url}/r/demo/hub/sign-in`);
    await page.getByLabel('Email').fill(server!.demo.email);
    await page.getByLabel('Password').fill(server!.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  }

  async function addDog(page: Page): Promise<string> {
    await page.goto(`${server!.url}/r/demo/hub/dogs/new`);
    await page.getByLabel('Name', { exact: true }).fill('Maple');
    await page.getByLabel('Sex').selectOption('female');
    await page.getByLabel('Size').selectOption('medium');
    await page.getByLabel('Estimated age: years').fill('2');
    await page.getByLabel('Intake type').selectOption('stray');
    await page.getByLabel('Good with dogs').selectOption('yes');
    await page.getByRole('button', { name: 'Add the dog' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maple' }).waitFor();
    const id = /\/hub\/dogs\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeDefined();
    return id!;
  }

  const photoItems = (page: Page) => page.locator('#photos ol.photos > li');

  async function uploadTwo(page: Page): Promise<void> {
    const [one, two] = await Promise.all([samplePhoto({ width: 640, height: 480, noise: true }), samplePhoto({ width: 600, height: 800, noise: true })]);
    // The upload form is folded until asked for: its summary opens it, without script.
    const fold = page.locator('details.fold', { has: page.getByLabel('Add photos') });
    expect(await fold.getAttribute('open')).toBeNull();
    await page.getByText('Upload new photos', { exact: true }).click();
    expect(await fold.getAttribute('open')).not.toBeNull();
    await page.getByLabel('Add photos').setInputFiles([
      { name: 'maple-garden.jpg', mimeType: 'image/jpeg', buffer: one },
      { name: 'maple-sofa.jpg', mimeType: 'image/jpeg', buffer: two },
    ]);
    await page.getByRole('button', { name: 'Upload photos' }).click();
    // The upload script sends each file with a progress bar, then reloads the page.
    await photoItems(page).nth(1).waitFor({ timeout: 90_000 });
    expect(await photoItems(page).count()).toBe(2);
    for (const caption of await page.locator('#photos figcaption').allTextContents()) expect(caption).toMatch(/^Approved/);
  }

  async function reviewPhotos(page: Page): Promise<void> {
    // Staff uploads are approved at once and the first becomes primary: make the second primary instead.
    expect(await photoItems(page).nth(0).locator('figcaption').textContent()).toContain('Primary photo');
    await photoItems(page).nth(1).getByRole('button', { name: 'Make primary' }).click();
    await page.waitForURL(/done=photo-primary/);
    const alts = ['Maple in the garden, ears up', 'Maple asleep on a blue sofa'];
    for (const [i, alt] of alts.entries()) {
      await photoItems(page).nth(i).getByLabel('Alt text').fill(alt);
      await photoItems(page).nth(i).getByRole('button', { name: 'Save alt text' }).click();
      await page.waitForLoadState('load');
      await expect.poll(() => photoItems(page).nth(i).locator('figcaption').textContent()).toContain(alt);
    }
    expect(await photoItems(page).nth(1).locator('figcaption').textContent()).toContain('Primary photo');
    // And show it first on the dog's page.
    await photoItems(page).nth(1).getByRole('button', { name: 'Move earlier' }).click();
    await page.waitForURL(/done=photo-moved/);
    expect(await photoItems(page).nth(0).locator('figcaption').textContent()).toContain('Primary photo · Maple asleep on a blue sofa');
  }

  async function publish(page: Page, id: string): Promise<void> {
    await page.goto(`${server!.url}/r/demo/hub/dogs/${id}/edit`);
    await page.getByLabel('Public description').fill(description);
    await page.getByLabel('Adoption fee').fill('175');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maple' }).waitFor();
    await page.getByLabel('New status').selectOption('available');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('heading', { level: 2, name: 'Status: Available' }).waitFor();
    expect(await page.getByRole('heading', { level: 2, name: 'Adoptable', exact: true }).isVisible()).toBe(true);
  }

  it('adds the dog, uploads two photos at once, sets primary, order and alt text, publishes it, and the public sees it', async () => {
    const staff = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await staff.newPage();
    await signIn(page);
    const id = await addDog(page);
    // Not public before it is published.
    expect((await fetch(`${server!.url}/r/demo/dogs/${id}`)).status).toBe(404);
    await uploadTwo(page);
    await reviewPhotos(page);
    await publish(page, id);
    await staff.close();

    const visitor = await browser!.newContext({ viewport: { width: 390, height: 844 } });
    const pub = await visitor.newPage();
    await pub.goto(`${server!.url}/r/demo/`);
    const card = pub.locator('.dog-card', { has: pub.getByRole('link', { name: 'Maple' }) });
    expect(await card.locator('img').getAttribute('alt')).toBe('Maple asleep on a blue sofa');
    await card.getByRole('link', { name: 'Maple' }).click();
    await pub.getByRole('heading', { level: 1, name: 'Maple' }).waitFor();
    expect(new URL(pub.url()).pathname).toBe(`/r/demo/dogs/${id}`);
    expect(await pub.getByText('Maple is a calm, curious girl who loves a slow morning walk.').isVisible()).toBe(true);
    expect(await pub.getByText('She rides well in the car.').isVisible()).toBe(true);
    expect(await pub.getByText('175.00').isVisible()).toBe(true);
    const photos = pub.locator('.gallery img');
    expect(await photos.count()).toBe(2);
    expect(await photos.nth(0).getAttribute('alt')).toBe('Maple asleep on a blue sofa');
    expect(await photos.nth(1).getAttribute('alt')).toBe('Maple in the garden, ears up');
    // The photo really loads (a decoded image has a width), as WebP or its JPEG fallback.
    await photos.nth(0).scrollIntoViewIfNeeded();
    await expect.poll(() => photos.nth(0).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await visitor.close();
  });
});
