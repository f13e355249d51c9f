import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { expectAxeClean, serveDemoWithAi, signInToDemo, viewports, type DemoWithAi } from '../harness/hub-browser.js';
import type { DemoServer } from '../harness/serve.js';

const reply = 'The record gives her name, sex and age [profile-1]. It also gives her breed, size and colour [profile-2].';

// Staff asks about a dog on its chat page, against the in-process dispatcher and a simulated GPU
// server that says a scripted answer slowly: the answer appears token by token (several partial
// renders), then the checked answer replaces it with citations that are links. Axe at both widths.
describe('AI chat on a dog\'s record: the answer streams (Chromium)', () => {
  let demo: DemoWithAi | undefined;
  let server: DemoServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    demo = await serveDemoWithAi({ replyText: reply, slowdown: 40 }); // about 80 ms a token
    server = demo.server;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const signIn = (page: Page) => signInToDemo(page, server!);
  const audit = expectAxeClean;

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
