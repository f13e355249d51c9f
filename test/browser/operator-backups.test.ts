import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSocketPath, callAdmin } from '../../src/platform/runtime/admin-socket.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
declare const axe: typeof import('axe-core');

const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

// The console's Backups page in Chromium after a real dump and a real dump drill of the demo rescue
// (through the admin channel, as `kona backup run` and `kona drill restore dump` do), at both widths.
describe('operator console: Backups page in Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  let ops: { username: string; password: string };
  // Its own backup directory: the default (beside the data directory) would be the shared temp folder.
  const backupDir = mkdtempSync(path.join(tmpdir(), 'kona-browser-backups-'));

  beforeAll(async () => {
    server = await serveDemo({ KONA_BACKUP_DIR: backupDir });
    browser = await launchBrowser();
    const created = await callAdmin(adminSocketPath(server.dataDir), { command: 'operator.create', args: { username: 'ops' } });
    if (!created.ok) throw new Error(created.error);
    ops = created.result as typeof ops;
    const dumped = await callAdmin(adminSocketPath(server.dataDir), { command: 'backup.run', args: { layer: 'dump' } });
    expect(dumped.ok && (dumped.result as { ok: boolean }).ok).toBe(true);
    const drilled = await callAdmin(adminSocketPath(server.dataDir), { command: 'drill.dump', args: { tenant: 'demo', smoke: false } });
    expect(drilled.ok).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(backupDir, { recursive: true, force: true });
  });

  async function openBackups(page: Page, viewport: keyof typeof viewports) {
    await page.goto(`${server.url}/operator/sign-in`);
    await page.getByLabel('Username').fill(ops.username);
    await page.getByLabel('Password').fill(ops.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rescues' }).waitFor();
    // On a phone the console's links sit behind the Menu disclosure (no script needed to open it).
    if (viewport === 'phone') await page.locator('details.nav-menu > summary').click();
    await page.locator(viewport === 'phone' ? '.nav-menu' : '.nav-wide').getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { level: 1, name: 'Backups' }).waitFor();
  }

  for (const viewport of Object.keys(viewports) as (keyof typeof viewports)[]) {
    it(`shows the demo's dump, the drill and the chart, fits a ${viewport} screen without JavaScript, and queues a run`, async () => {
      const context = await browser.newContext({ viewport: viewports[viewport], javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await openBackups(page, viewport);
        const demoRow = page.getByRole('row', { name: /^demo dump \(tenant\)/ });
        await expect(demoRow.count()).resolves.toBe(1);
        expect(await demoRow.textContent()).toMatch(/\d+ min.*(KB|MB|bytes)/);
        expect(await page.getByRole('row', { name: /^\S.* dump passed [\d.]+ s/ }).count()).toBe(1);
        const chart = page.getByRole('img', { name: 'Backup size per day (bars) and age of the stalest backup (line)' });
        const box = (await chart.boundingBox())!;
        expect(box.width).toBeGreaterThan(200);
        expect(box.x + box.width).toBeLessThanOrEqual(viewports[viewport].width);
        // "Run now" is in view without scrolling the table sideways, at both widths.
        const runNow = (await page.getByRole('button', { name: 'Run now: the dump layer' }).boundingBox())!;
        expect(runNow.x + runNow.width).toBeLessThanOrEqual(viewports[viewport].width);
        // Wide tables scroll inside their own frame; the page itself never scrolls sideways.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewports[viewport].width);
        if (viewport === 'desktop') {
          await page.getByRole('button', { name: 'Run now: the dump layer' }).click();
          await page.getByText(/The dump layer is queued|already queued in this minute/).waitFor();
        }
      } finally {
        await context.close();
      }
    }, 60_000);
  }

  it('passes axe-core (WCAG 2.1 AA) at both widths', async () => {
    for (const viewport of Object.keys(viewports) as (keyof typeof viewports)[]) {
      const context = await browser.newContext({ viewport: viewports[viewport] });
      try {
        const page = await context.newPage();
        await openBackups(page, viewport);
        await page.getByText('The figures as a table').click();
        await page.addScriptTag({ path: AXE });
        const results: AxeResults = await page.evaluate((values) => axe.run(document, { runOnly: { type: 'tag', values } }), TAGS);
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), viewport).toEqual([]);
      } finally {
        await context.close();
      }
    }
  }, 60_000);
});
