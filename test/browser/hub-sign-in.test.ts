import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { screenshotFor } from '../harness/hub-browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

// The real server (`kona serve` with the demo rescue) on a free port, driven by Chromium.
describe('hub sign-in in Chromium (embedded)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let signInUrl: string;
  let demo: { email: string; password: string };

  beforeAll(async () => {
    server = await serveDemo();
    demo = server.demo;
    signInUrl = `${server.url}/r/demo/hub/sign-in`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser!.newContext({ viewport });
    return context.newPage();
  }

  async function expectDashboard(page: Page) {
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/r/demo/hub');
    expect(await page.getByRole('link', { name: 'Demo Rescue' }).isVisible()).toBe(true);
    expect(await page.getByText('signed in to Demo Rescue as admin').isVisible()).toBe(true);
  }

  it('signs in through the labelled fields and shows the dashboard with the rescue\'s name', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(signInUrl);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to the Demo Rescue hub');
    await page.getByLabel('Email').fill(demo.email);
    await page.getByLabel('Password').fill(demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectDashboard(page);
    await screenshotFor(page, 'kona-dashboard', { fullPage: true });
    await page.context().close();
  });

  it('works with the keyboard alone: Tab to the fields, Enter to submit', async () => {
    const page = await newPage();
    await page.goto(signInUrl);
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let i = 0; i < 10 && (await focused()) !== 'f-email'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('f-email');
    await page.keyboard.type(demo.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('f-password');
    await page.keyboard.type(demo.password);
    await page.keyboard.press('Enter');
    await expectDashboard(page);
    await page.context().close();
  });

  it('shows the error after a wrong password and keeps the email typed', async () => {
    const page = await newPage();
    await page.goto(signInUrl);
    await page.getByLabel('Email').fill(demo.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('do not match an active account');
    expect(await page.getByLabel('Email').inputValue()).toBe(demo.email);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(new URL(page.url()).pathname).toBe('/r/demo/hub/sign-in');
    await page.context().close();
  });
});
