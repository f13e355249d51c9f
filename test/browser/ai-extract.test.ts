import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textPdf } from '../../src/features/ai/extract/extract.testing.js';
import { launchBrowser } from '../harness/browser.js';
import { expectAxeClean, signInToDemo, viewports } from '../harness/hub-browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

// Staff attach a small generated vet PDF to a dog's medical record; the server's own job worker
// reads it (a batch job, not the upload request), the document's page lists the proposed entries
// with their passages, staff confirm the rabies vaccination, and it shows in the medical record.
// The proposals page passes axe at both widths. In Chromium, without an AI server (the rules path).
describe('vet document extraction: attach, read, confirm (Chromium)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await serveDemo({ KONA_JOBS: 'true' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const signIn = (page: Page) => signInToDemo(page, server!);
  const audit = expectAxeClean;

  for (const [name, viewport] of Object.entries(viewports)) {
    it(`attaches a vet PDF, sees the proposals with passages and confirms one, at ${name} width`, async () => {
      const day = name === 'phone' ? '2026-02-11' : '2026-02-10';
      const title = `Vaccination certificate (${name})`;
      const pdf = Buffer.from(await textPdf([['Harbour Vet Clinic', 'Attending vet: Dr. Sam Okafor', `Rabies vaccine given ${day}, next due 2027-02-10`, 'Weight: 21.5 kg']]));
      const context = await browser!.newContext({ viewport });
      const page = await context.newPage();
      try {
        await signIn(page);
        await page.goto(`${server!.url}/r/demo/hub/dogs`);
        await page.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await page.getByRole('link', { name: /Vaccinations, treatments, vet visits and weights of Waffles/ }).click();
        const confirmedRows = () => page.locator('tr', { hasText: 'Read from a vet document and confirmed.' }).filter({ hasText: 'Dr. Sam Okafor' }).count();
        const before = await confirmedRows();
        await page.getByText('Attach a document', { exact: true }).click();
        await page.getByLabel('Title').fill(title);
        await page.locator('#document-file').setInputFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: pdf });
        await page.getByRole('button', { name: 'Attach document' }).click();
        await page.waitForURL(/done=document/);
        await page.getByRole('link', { name: `Proposed entries from ${title}` }).click();
        await page.getByRole('heading', { level: 1, name: `Proposed entries from “${title}”` }).waitFor();
        // The worker polls every second: reload until the job has run (at most about 30 s on a busy machine).
        for (let i = 0; i < 30 && !(await page.locator('.ai-proposals').count()); i++) {
          await page.waitForTimeout(1000);
          await page.reload();
        }
        const rabies = page.locator('li[data-proposal="vaccination"]').first();
        expect(await rabies.textContent()).toContain(`Vaccination: Rabies (given ${day}, next due 2027-02-10)`);
        expect(await rabies.locator('blockquote').textContent()).toContain(`Rabies vaccine given ${day}, next due 2027-02-10`);
        expect(await page.locator('.ai-path').textContent()).toContain('Read by the reading rules (no AI model)');
        await audit(page);
        await rabies.getByRole('button', { name: /^Confirm Vaccination: Rabies/ }).click();
        await page.waitForURL(/done=confirmed/);
        expect(await page.locator('li[data-proposal="vaccination"]').first().getAttribute('data-decision')).toBe('confirmed');
        expect(await page.getByRole('status').first().textContent()).toContain('The entry was confirmed and recorded.');
        await audit(page);
        await page.getByRole('link', { name: /medical record$/ }).click();
        await page.getByRole('heading', { level: 1, name: 'Waffles: medical record' }).waitFor();
        expect(await confirmedRows()).toBe(before + 1);
      } finally {
        await context.close();
      }
    });
  }
});
