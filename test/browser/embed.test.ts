import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
declare const axe: typeof import('axe-core');

// A rescue's own website (another origin) frames the embeddable listing, in Chromium: the embed
// shows, styled by its hashed stylesheet, with its photos; the public home page refuses to be framed.
describe('the embeddable listing on another site (Chromium)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let site: Server | undefined;
  let siteUrl = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchBrowser();
    const html = `<!doctype html><html lang="en"><head><title>Our rescue</title></head><body><main><h1>Our rescue</h1>
<iframe id="embed" title="Dogs" src="${server.url}/r/demo/embed?limit=4" width="800" height="900"></iframe>
<iframe id="home" title="Home" src="${server.url}/r/demo/" width="800" height="300"></iframe></main></body></html>`;
    site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => site!.listen(0, 'localhost', resolve));
    siteUrl = `http://localhost:${(site.address() as { port: number }).port}/`;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await server?.stop();
  });

  async function newPage(options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 1400 }, ...options });
    contexts.push(context);
    return context.newPage();
  }

  const frameAt = (page: Page, pathname: string): Frame | undefined => page.frames().find((f) => f.url().split('?')[0] === `${server!.url}${pathname}`);

  it('shows the dogs inside the frame, styled and with photos, and opens a dog outside it', async () => {
    const page = await newPage();
    await page.goto(siteUrl);
    await expect.poll(() => frameAt(page, '/r/demo/embed')?.url()).toBeDefined();
    const frame = frameAt(page, '/r/demo/embed')!;
    await frame.getByRole('heading', { level: 1, name: 'Dogs looking for a home with Demo Rescue' }).waitFor();
    expect(await frame.locator('li').count()).toBe(4);
    // The inline stylesheet ran (its hash is in the policy): the cards are a grid.
    expect(await frame.locator('ul').evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    const img = frame.locator('li img').first();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);

    const name = (await frame.locator('li strong').first().textContent())!;
    const [opened] = await Promise.all([page.context().waitForEvent('page'), frame.locator('li a').first().click()]);
    await opened.getByRole('heading', { level: 1, name }).waitFor();
    expect(new URL(opened.url()).pathname).toMatch(/^\/r\/demo\/dogs\/[0-9a-f-]{36}$/);
    expect(page.url()).toBe(siteUrl);
  });

  it('keeps the public home page out of the other site\'s frame', async () => {
    const page = await newPage();
    const homeResponse = page.waitForResponse((r) => r.url() === `${server!.url}/r/demo/`);
    await page.goto(siteUrl);
    // Chromium did fetch the page, and refused to show it because of its header.
    expect((await homeResponse).headers()['x-frame-options']).toBe('DENY');
    const embed = await (await page.locator('#embed').elementHandle())!.contentFrame();
    await embed!.getByRole('heading', { level: 1 }).waitFor();
    const home = await (await page.locator('#home').elementHandle())!.contentFrame();
    await home!.waitForLoadState('load');
    // Chromium puts its own error page in the frame instead.
    expect(home!.url()).toMatch(/^chrome-error:/);
    expect(await home!.locator('body').textContent()).not.toContain('Dogs looking for a home');
  });

  it('passes axe-core on its own (the check runs with the page\'s CSP bypassed so axe may be injected)', async () => {
    const page = await newPage({ bypassCSP: true });
    await page.goto(`${server!.url}/r/demo/embed`);
    expect(await page.locator('h1').textContent()).toBe('Dogs looking for a home with Demo Rescue');
    expect(await page.locator('main').count()).toBe(1);
    await page.addScriptTag({ path: AXE });
    const results: AxeResults = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(results.passes.length).toBeGreaterThan(0);
  });
});
