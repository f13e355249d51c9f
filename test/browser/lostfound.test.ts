import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
declare const axe: typeof import('axe-core');
const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

// Someone who found a dog uploads a photo of it (an edited copy of a demo dog's public photo) on the
// root lost-and-found page, sees graded results, and writes to the rescue; at a desktop and a phone
// width, with axe on every page; a file that is not a photo gets a clear message with the form kept.
describe('lost and found: upload, graded results, contact the rescue (Chromium)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let dir: string;
  let found: string;
  let notAPhoto: string;

  beforeAll(async () => {
    // Jobs on: the demo's photos are embedded by the job runner just after start.
    server = await serveDemo({ KONA_JOBS: 'true' });
    browser = await launchBrowser();
    dir = mkdtempSync(path.join(tmpdir(), 'kona-lostfound-browser-'));
    const feed = await (await fetch(`${server.url}/r/demo/dogs.json`)).json() as { dogs?: { name: string; photo?: { url: string } }[] } | { name: string; photo?: { url: string } }[];
    const dogs = Array.isArray(feed) ? feed : feed.dogs ?? [];
    const biscuit = dogs.find((d) => d.name === 'Biscuit')!;
    const original = Buffer.from(await (await fetch(`${server.url}${new URL(biscuit.photo!.url).pathname}`)).arrayBuffer());
    // A phone photo of the poster, more or less: cropped a little, darker, recompressed.
    const m = await sharp(original).metadata();
    found = path.join(dir, 'found-dog.jpg');
    writeFileSync(found, await sharp(original).extract({ left: Math.round(m.width! * 0.05), top: Math.round(m.height! * 0.05), width: Math.round(m.width! * 0.9), height: Math.round(m.height! * 0.9) }).modulate({ brightness: 0.9 }).jpeg({ quality: 60 }).toBuffer());
    notAPhoto = path.join(dir, 'dog.jpg');
    writeFileSync(notAPhoto, 'this is a text file, not a photo');
    // Wait (bounded, and under the per-address search limit) until a search can compare with them.
    for (let i = 0; i < 12; i++) {
      if (await ready(server.url)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 180_000);

  /** Whether a search from Node already finds Biscuit (the vectors exist). */
  async function ready(base: string): Promise<boolean> {
    const form = await fetch(`${base}/lost-and-found`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const body = new FormData();
    body.append('_csrf', token);
    body.append('photos', new Blob([new Uint8Array(await sharp(found).toBuffer())], { type: 'image/jpeg' }), 'x.jpg');
    const res = await fetch(`${base}/lost-and-found`, { method: 'POST', body, headers: { cookie } });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`the readiness search answered ${res.status}`);
    return html.includes('<h3>Biscuit</h3>');
  }

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function audit(page: Page): Promise<void> {
    await page.addScriptTag({ path: AXE });
    const results: AxeResults = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  for (const [name, viewport] of Object.entries(viewports)) {
    it(`finds the dog, grades it in words and sends a message to the rescue (${name})`, async () => {
      const context = await browser!.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      try {
        await page.goto(`${server!.url}/`);
        await page.getByRole('link', { name: /Lost or found a dog/ }).click();
        await page.getByRole('heading', { level: 1, name: 'Lost or found a dog?' }).waitFor();
        await audit(page);

        await page.getByLabel(/Photos of the dog/).setInputFiles(notAPhoto);
        await page.getByLabel(/Where/).fill('Near the river path');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByText(/A file could not be used/).first().waitFor();
        expect(await page.getByLabel(/Where/).inputValue()).toBe('Near the river path');

        await page.getByLabel(/Photos of the dog/).setInputFiles(found);
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByRole('heading', { level: 2, name: 'Dogs that look similar' }).waitFor();
        const first = page.locator('main li.card').first();
        expect(await first.getByRole('heading', { level: 3 }).innerText()).toBe('Biscuit');
        expect(await first.innerText()).toContain('Looks very similar');
        expect(await first.innerText()).toContain('A person at the rescue can check');
        expect(await page.locator('main').innerText()).toContain('kona-descriptor-v1');
        expect(await page.locator('main').innerText()).not.toMatch(/\d\s?%|this is your dog/i);
        expect(await first.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
        await audit(page);

        await first.getByRole('link', { name: /Ask .* about Biscuit/ }).click();
        await page.getByLabel('Your name (required)').fill('Robin Finder');
        await page.getByLabel('Email (required)').fill('robin-at-example');
        await page.getByLabel('Message (required)').fill('She was sitting by the river path this morning.');
        await page.getByRole('button', { name: 'Send message' }).click();
        await page.getByText('must be an email address').first().waitFor();
        expect(await page.getByLabel('Your name (required)').inputValue()).toBe('Robin Finder');
        await audit(page);
        await page.getByLabel('Email (required)').fill(`robin-${name}@example.org`);
        await page.getByRole('button', { name: 'Send message' }).click();
        await page.getByRole('heading', { level: 1, name: 'Message sent' }).waitFor();
        await audit(page);
      } finally {
        await context.close();
      }
    }, 90_000);
  }
});
