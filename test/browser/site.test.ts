import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePhoto } from '../../src/platform/images/sample-images.testing.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
declare const axe: typeof import('axe-core');

const widths = [320, 390, 768, 1280] as const;
const phone = { width: 390, height: 844 };

/** What a page must hold at any width: no sideways scrolling and no image wider than the screen. */
interface Fit { scrollWidth: number; innerWidth: number; widestImage: number }

// The public site as an adopter sees it, in Chromium at four widths, after staff uploaded a real
// camera-sized photo (4000 × 3000) of the first listed dog through the hub: the listing, that dog's
// page, its application form (with a rejected submission) and the embed fit the screen and pass axe.
describe('the public site at phone, tablet and desktop widths (Chromium)', () => {
  let server: DemoServer;
  let browser: Browser;
  let dogPath = '';
  const shared: Record<string, string> = {};
  const url = (p: string) => `${server.url}${p}`;

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchBrowser();
    const staff = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await staff.goto(url('/r/demo/hub/sign-in'));
    await staff.getByLabel('Email').fill(server.demo.email);
    await staff.getByLabel('Password').fill(server.demo.password);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    // The first dog on the listing (by name) gets the big photo as its primary.
    await staff.goto(url('/r/demo/'));
    dogPath = new URL((await staff.locator('.dog-card h3 a').first().getAttribute('href'))!, server.url).pathname;
    await staff.goto(url(dogPath.replace('/r/demo/dogs/', '/r/demo/hub/dogs/')));
    const photo = await samplePhoto({ width: 4000, height: 3000 });
    // The upload form is folded until asked for.
    await staff.locator('details.fold', { has: staff.getByLabel('Add photos') }).locator('summary').click();
    await staff.getByLabel('Add photos').setInputFiles([{ name: 'camera.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await staff.getByRole('button', { name: 'Upload photos' }).click();
    const items = staff.locator('#photos ol.photos > li');
    await items.nth(1).waitFor({ timeout: 90_000 });
    await items.nth(1).getByRole('button', { name: 'Make primary' }).click();
    await staff.waitForURL(/done=photo-primary/);
    // The demo's adopted (Poppy), pending (Ziggy) and medical-hold (Waffles) dogs, for shared links.
    for (const name of ['Poppy', 'Ziggy', 'Waffles']) {
      await staff.goto(url(`/r/demo/hub/dogs?status=all&q=${name}`));
      const href = await staff.getByRole('link', { name, exact: true }).first().getAttribute('href');
      shared[name] = new URL(href!, server.url).pathname.replace('/hub/dogs/', '/dogs/');
    }
    await staff.context().close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function fit(page: Page): Promise<Fit> {
    return page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      widestImage: Math.max(0, ...Array.from(document.images).map((img) => img.getBoundingClientRect().width)),
    }));
  }

  async function check(page: Page, what: string): Promise<void> {
    const f = await fit(page);
    expect(f.scrollWidth, `${what}: scrolls sideways`).toBeLessThanOrEqual(f.innerWidth);
    expect(f.widestImage, `${what}: an image is wider than the screen`).toBeLessThanOrEqual(f.innerWidth);
    await page.addScriptTag({ path: AXE });
    const results: AxeResults = await page.evaluate((tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    expect(results.violations.map((v) => `${what}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  it.each(widths)('fits %i px: listing, dog page, application form and embed, with no axe violation', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: width === 390 ? phone.height : 900 }, bypassCSP: true });
    const page = await context.newPage();
    try {
      await page.goto(url('/r/demo/'));
      await check(page, `listing at ${width}`);
      const first = page.locator('.dog-card').first();
      expect(await first.locator('h3 a').getAttribute('href')).toBe(dogPath);
      // The camera photo is served as a variant sized for the card, not its 4000 px original.
      const img = first.locator('img');
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
      expect(await img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeLessThanOrEqual(1600);
      if (width === phone.width) {
        // The first dog, photo and name, is on the first screen of a phone; the filters are folded.
        const box = (await first.locator('h3').boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(phone.height);
        expect(await page.getByLabel('Size').isVisible()).toBe(false);
      }

      await page.goto(url(dogPath));
      const gallery = page.locator('.gallery img').first();
      await expect.poll(() => gallery.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
      await check(page, `dog page at ${width}`);
      expect(await page.locator('.gallery img').count()).toBeGreaterThan(1);

      await page.getByRole('link', { name: /^Apply to adopt / }).click();
      await page.getByRole('button', { name: 'Send application' }).click();
      await page.getByRole('alert').waitFor();
      // The error summary links to each field at fault, and each link lands on a field.
      const targets = await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(await page.locator(target).count(), target).toBe(1);
      await check(page, `application form at ${width}`);

      await page.goto(url('/r/demo/embed'));
      await check(page, `embed at ${width}`);
    } finally {
      await context.close();
    }
  });

  it('keeps shared links working on a phone: happy ending and adoption pending with a photo, "no longer listed" otherwise', async () => {
    const context = await browser.newContext({ viewport: phone, bypassCSP: true });
    const page = await context.newPage();
    try {
      const cases: [string, number, string][] = [['Poppy', 200, 'Poppy has found a home'], ['Ziggy', 200, 'Ziggy: adoption pending'], ['Waffles', 404, 'This dog is no longer listed']];
      for (const [name, status, h1] of cases) {
        const res = await page.goto(url(shared[name]!));
        expect(res!.status(), name).toBe(status);
        await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
        if (status === 200) {
          const img = page.locator('main img');
          await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { message: name }).toBeGreaterThan(0);
        }
        await page.getByRole('link', { name: 'See the other dogs looking for a home' }).waitFor();
        await check(page, `${name}'s shared link`);
      }
    } finally {
      await context.close();
    }
  });
});
