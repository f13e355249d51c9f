import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, readOutboxMessage } from '../../src/platform/mail/index.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const FOSTER = 'foster@demo.kona.local';

// The real server with the demo rescue: "Forgot password?" from the sign-in page to signing in with the new password.
describe('forgot password in Chromium (embedded)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Jobs on: the mail job writes the link to the outbox, as a rescue without a mail server has it.
    server = await serveDemo({ KONA_JOBS: 'true', KONA_JOB_POLL_MS: '100' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The reset link in the newest outbox mail to an address, once the mail job has written it (the runner polls). */
  async function linkInOutbox(to: string, after: number): Promise<string> {
    const outboxDir = path.join(server!.dataDir, 'outbox');
    for (let tries = 0; tries < 100; tries++) {
      const { entries } = await listOutbox(outboxDir, 'demo');
      const entry = entries.find((e) => e.to === to && e.time.getTime() >= after && e.subject.startsWith('Reset your password'));
      if (entry) {
        const message = await readOutboxMessage(outboxDir, 'demo', entry.file);
        return /https?:\/\/\S+\/hub\/reset-password\/[A-Za-z0-9_-]{43}/.exec(message!.text)![0];
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no reset mail to ${to} reached the outbox`);
  }

  for (const [label, viewport, password] of [
    ['phone', { width: 390, height: 844 }, 'a new password for the phone'],
    ['desktop', { width: 1280, height: 800 }, 'a new password for the desktop'],
  ] as const) {
    it(`asks for a link, sets a new password and signs in with it (${label})`, async () => {
      const page: Page = await (await browser!.newContext({ viewport })).newPage();
      const asked = Date.now() - 1000;
      await page.goto(`${server!.url}/r/demo/hub/sign-in`);
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
      await page.getByLabel('Email').fill(FOSTER);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      expect(await page.getByRole('status').textContent()).toContain('If an account exists for that email, we sent a link');

      const link = await linkInOutbox(FOSTER, asked);
      expect(new URL(link).port).toBe(new URL(server!.url).port);
      await page.goto(link);
      await page.getByLabel('New password', { exact: true }).fill(password);
      await page.getByLabel('New password again').fill(password);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByText('Sign in with the new password').waitFor();

      await page.getByLabel('Email').fill(FOSTER);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      expect(await page.getByText('as foster').first().isVisible()).toBe(true);

      await page.goto(link);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not found');
      await page.context().close();
    });
  }
});
