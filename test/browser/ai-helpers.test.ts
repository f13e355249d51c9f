import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { expectAxeClean, serveDemoWithAi, signInToDemo, viewports, type DemoWithAi } from '../harness/hub-browser.js';
import type { DemoServer } from '../harness/serve.js';

// Staff use the AI helpers against the in-process dispatcher and a simulated GPU server, in Chromium:
// a bio drafted with the "Draft bio" button and approved (as drafted on a desktop, edited on a phone),
// the dog's page with a draft on it passing axe at both widths; social posts drafted and approved;
// alt text drafted for a photo, edited and approved onto the photo; an application's answers
// reviewed, with the concerns and interview questions shown and which path made them.
describe('AI helpers: button, draft, approve (Chromium)', () => {
  let demo: DemoWithAi | undefined;
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let dogUrl: string;

  beforeAll(async () => {
    demo = await serveDemoWithAi();
    server = demo.server;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const signIn = (page: Page) => signInToDemo(page, server!);
  const audit = expectAxeClean;

  async function withPage(viewport: { width: number; height: number }, body: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser!.newContext({ viewport });
    const page = await context.newPage();
    try {
      await signIn(page);
      await body(page);
    } finally {
      await context.close();
    }
  }

  async function openDog(page: Page): Promise<void> {
    if (!dogUrl) {
      await page.goto(`${server!.url}/r/demo/hub/dogs`);
      const href = await page.locator('main a[href*="/hub/dogs/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')).find((h) => /\/hub\/dogs\/[0-9a-f-]{36}$/.test(h ?? '')));
      dogUrl = `${server!.url}${href}`;
    }
    await page.goto(dogUrl);
  }

  it('drafts social posts with the button and approves them, at desktop width', () => withPage(viewports.desktop, async (page) => {
    await openDog(page);
    const section = page.locator('#ai-drafts');
    await section.getByRole('button', { name: 'Draft social posts' }).click();
    await page.waitForURL(/done=ai-drafted/);
    const draft = section.locator('article[data-draft="social"]').first();
    expect(await draft.locator('.ai-path').textContent()).toContain('Made by the AI model (demo-model)');
    // One short and one long post per platform, each within that platform's limit.
    const posts = await draft.locator('textarea').evaluateAll((els) => els.map((e) => [e.id.replace(/^[0-9a-f-]+-/, ''), (e as HTMLTextAreaElement).value.length] as const));
    expect(posts.length).toBe(10);
    for (const [field, length] of posts) expect(length, field).toBeGreaterThan(0);
    expect(Object.fromEntries(posts)['x.long']).toBeLessThanOrEqual(280);
    await draft.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/done=ai-approved/);
    expect(await page.getByRole('status').first().textContent()).toContain('The draft was approved and saved.');
    expect(await section.locator('article[data-draft="social"]').count()).toBe(0);
  }));

  it('drafts alt text for a photo, edits and approves it onto the photo, at phone width', () => withPage(viewports.phone, async (page) => {
    await openDog(page);
    const section = page.locator('#ai-drafts');
    await section.getByRole('button', { name: /^Draft alt text for / }).first().click();
    await page.waitForURL(/done=ai-drafted/);
    const draft = section.locator('article[data-draft="alt-text"]').first();
    expect(await draft.locator('.ai-path').textContent()).toContain('Made by the AI model (demo-model)');
    const text = 'A black and white dog sitting on grass, looking at the camera (edited on a phone).';
    await draft.getByLabel('Alt text').fill(text);
    await draft.getByRole('button', { name: 'Approve as the alt text' }).click();
    await page.waitForURL(/done=ai-approved/);
    // The photo's own alt text now (its caption in the hub, and the image's alt).
    expect(await page.locator('figcaption', { hasText: text }).count()).toBe(1);
    expect(await page.locator(`img[alt="${text}"]`).count()).toBeGreaterThan(0);
  }));

  for (const [name, viewport] of Object.entries(viewports)) {
    it(`reviews an application's answers with the button and shows concerns and interview questions, at ${name} width`, () => withPage(viewport, async (page) => {
      await page.goto(`${server!.url}/r/demo/hub/applications`);
      await page.locator('main a[href*="/hub/applications/"]').first().click();
      await page.getByRole('link', { name: 'Review of the answers and interview questions' }).click();
      await page.getByRole('heading', { level: 1, name: /^Review of the application for / }).waitFor();
      await page.getByRole('button', { name: /^(Review the answers|Review again)$/ }).click();
      await page.getByRole('heading', { level: 2, name: 'Interview questions' }).waitFor();
      expect(await page.getByRole('heading', { level: 2, name: 'Possible concerns' }).count()).toBe(1);
      // Both made by the model, and the page says so.
      expect(await page.locator('.ai-path[data-path="model"]').evaluateAll((els) => els.map((e) => e.textContent?.startsWith('Made by the on-site AI model')))).toEqual([true, true]);
      expect(await page.locator('#questions-heading ~ ol li, #questions-heading ~ ul li').count()).toBeGreaterThan(0);
    }));
  }

  for (const [name, viewport] of Object.entries(viewports)) {
    it(`drafts a bio with the button and approves it, at ${name} width`, async () => {
      const context = await browser!.newContext({ viewport });
      const page = await context.newPage();
      try {
        await signIn(page);
        if (!dogUrl) {
          await page.goto(`${server!.url}/r/demo/hub/dogs`);
          const href = await page.locator('main a[href*="/hub/dogs/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')).find((h) => /\/hub\/dogs\/[0-9a-f-]{36}$/.test(h ?? '')));
          dogUrl = `${server!.url}${href}`;
        }
        await page.goto(dogUrl);
        const section = page.locator('#ai-drafts');
        await section.getByLabel('Tone').selectOption(name === 'phone' ? 'short' : 'warm');
        await section.getByRole('button', { name: 'Draft bio' }).click();
        await page.waitForURL(/done=ai-drafted/);
        const draft = section.locator('article[data-draft="bio"]').first();
        expect(await draft.locator('.ai-path').textContent()).toContain('Made by the AI model (demo-model)');
        await audit(page);
        const text = name === 'phone' ? 'Edited on a phone: a gentle dog who loves long walks and a warm sofa.' : await draft.getByLabel('Bio').inputValue();
        if (name === 'phone') await draft.getByLabel('Bio').fill(text);
        await draft.getByRole('button', { name: 'Approve as the public description' }).click();
        await page.waitForURL(/done=ai-approved/);
        expect(await page.getByRole('status').first().textContent()).toContain('The draft was approved and saved.');
        expect(await page.content()).toContain(text.slice(0, 40));
      } finally {
        await context.close();
      }
    });
  }
});
