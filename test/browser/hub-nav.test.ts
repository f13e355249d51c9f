import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { screenshotFor } from '../harness/hub-browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

// The hub's navigation on the real server with the demo rescue: a "Menu" on a phone, sections on a desktop.
describe('hub navigation in Chromium (embedded)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let storageState: Awaited<ReturnType<import('playwright-core').BrowserContext['storageState']>>;

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/r/demo/hub/sign-in`);
    await page.getByLabel('Email').fill(server.demo.email);
    await page.getByLabel('Password').fill(server.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    storageState = await context.storageState();
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function dashboardAt(width: number, height: number): Promise<Page> {
    const page = await (await browser!.newContext({ viewport: { width, height }, storageState })).newPage();
    await page.goto(`${server!.url}/r/demo/hub`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    return page;
  }

  it('fits a phone: the header is no wider than the screen, and the Menu opens onto links that work', async () => {
    const page = await dashboardAt(390, 844);
    const widths = () => page.evaluate(() => ({ header: document.querySelector('header.site')!.scrollWidth, page: document.documentElement.scrollWidth, inner: window.innerWidth }));
    let w = await widths();
    expect(w.header).toBeLessThanOrEqual(w.inner);
    expect(w.page).toBeLessThanOrEqual(w.inner);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const audit = nav.getByRole('link', { name: 'Audit log' });
    expect(await audit.isVisible()).toBe(false);
    const menu = nav.getByText('Menu', { exact: true });
    // The keyboard opens it: Tab reaches the summary, Enter toggles it.
    await menu.focus();
    await page.keyboard.press('Enter');
    await audit.waitFor();
    expect(await nav.getByRole('list', { name: 'Adoptions' }).isVisible()).toBe(true);
    w = await widths();
    expect(w.header).toBeLessThanOrEqual(w.inner);
    expect(w.page).toBeLessThanOrEqual(w.inner);
    await screenshotFor(page, 'kona-hub-nav-phone', { fullPage: true });
    await nav.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/r/demo/hub/applications');
    await page.context().close();
  });

  it('shows the sections side by side on a desktop, without a Menu', async () => {
    const page = await dashboardAt(1280, 800);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByText('Menu', { exact: true }).isVisible()).toBe(false);
    for (const section of ['Dogs', 'Adoptions', 'Rescue', 'Account']) expect(await nav.getByRole('list', { name: section }).isVisible(), section).toBe(true);
    // Side by side, not stacked: sections share rows (the phone's menu stacks each on its own).
    const bottom = async (name: string) => (await nav.getByRole('list', { name }).boundingBox())!.y + (await nav.getByRole('list', { name }).boundingBox())!.height;
    const rows = new Set(await Promise.all(['Dogs', 'Adoptions', 'Rescue', 'Account'].map(bottom)));
    expect(rows.size).toBeLessThan(4);
    expect(await bottom('Rescue')).toBe(await bottom('Adoptions'));
    await screenshotFor(page, 'kona-hub-nav-desktop');
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.context().close();
  });
});
