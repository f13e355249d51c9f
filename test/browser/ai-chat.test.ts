import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimBackend, type RunningSimBackend } from '../../src/inference/simulator/server.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
declare const axe: typeof import('axe-core');
const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const reply = 'The record gives her name, sex and age [profile-1]. It also gives her breed, size and colour [profile-2].';

// Staff asks about a dog on its chat page, against the in-process dispatcher and a simulated GPU
// server that says a scripted answer slowly: the answer appears token by token (several partial
// renders), then the checked answer replaces it with citations that are links. Axe at both widths.
describe('AI chat on a dog\'s record: the answer streams (Chromium)', () => {
  let sim: RunningSimBackend | undefined;
  let simDir: string | undefined;
  let server: DemoServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    sim = await startSimBackend({ modelName: 'demo-model', timing: { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 100_000 } });
    sim.setFaults({ replyText: reply, slowdown: 40 }); // about 80 ms a token
    simDir = mkdtempSync(path.join(tmpdir(), 'kona-chat-browser-'));
    const config = path.join(simDir, 'dispatcher.json');
    writeFileSync(config, JSON.stringify({ backends: [{ name: 'gpu-1', baseUrl: sim.url, kind: 'vllm', tier: 'dedicated', models: ['demo-model'], slots: 2 }] }));
    server = await serveDemo({ KONA_DISPATCHER_CONFIG: config, KONA_AI_MODEL: 'demo-model' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.close();
    if (simDir) rmSync(simDir, { recursive: true, force: true });
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server!.url}/r/demo/hub/sign-in`);
    await page.getByLabel('Email').fill(server!.demo.email);
    await page.getByLabel('Password').fill(server!.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  }

  async function audit(page: Page): Promise<void> {
    await page.addScriptTag({ path: AXE });
    const results: AxeResults = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  for (const [name, viewport] of Object.entries(viewports)) {
    it(`streams the answer token by token, then shows it with linked citations, at ${name} width`, async () => {
      const context = await browser!.newContext({ viewport });
      const page = await context.newPage();
      try {
        await signIn(page);
        await page.goto(`${server!.url}/r/demo/hub/dogs`);
        await page.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await page.getByRole('link', { name: "Ask about Waffles's record" }).click();
        // Every distinct partial text the streaming paragraph shows, as the page renders it.
        await page.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { partials: string[] }).partials = seen;
          new MutationObserver(() => {
            const live = document.querySelector('[data-chat-partial]');
            const text = live?.textContent ?? '';
            if (live && text && seen[seen.length - 1] !== text) seen.push(text);
          }).observe(document.body, { subtree: true, childList: true, characterData: true });
        });
        const before = await page.locator('.chat-answer').count();
        await page.getByLabel('Your question about Waffles').fill(`What does the record say about her? (${name})`);
        await page.getByRole('button', { name: 'Ask', exact: true }).click();
        const answer = page.locator('.chat-answer[data-path="model"]').last();
        await page.waitForFunction((n) => document.querySelectorAll('.chat-answer').length > n, before, { timeout: 30_000 });
        const partials = await page.evaluate(() => (window as unknown as { partials: string[] }).partials);
        expect(partials.length).toBeGreaterThanOrEqual(2);
        expect(reply.startsWith(partials[0]!)).toBe(true);
        expect(partials[0]!.length).toBeLessThan(reply.length);
        expect(await page.locator('[data-chat-partial]').count()).toBe(0); // replaced by the checked answer
        expect(await answer.textContent()).toContain('Answered by the on-site AI model from the record');
        const cites = answer.locator('a.chat-cite');
        expect(await cites.count()).toBe(2);
        const href = (await cites.first().getAttribute('href'))!;
        expect(href).toMatch(/^#as[0-9a-f]{8}-profile-1$/);
        await cites.first().click();
        expect(await page.locator(`${href} blockquote`).textContent()).toContain('Waffles');
        expect(await page.locator(`${href} a`).getAttribute('href')).toMatch(/#record-heading$/);
        await audit(page);
        // Reloaded, the kept conversation shows the same answer as a page.
        await page.reload();
        expect(await page.locator('.chat-answer[data-path="model"] a.chat-cite').count()).toBeGreaterThanOrEqual(2);
      } finally {
        await context.close();
      }
    });
  }
});
