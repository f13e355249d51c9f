import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Kysely } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAnswers } from '../../src/features/adoptions/adoptions.public.js';
import { prepareContract } from '../../src/features/contracts/contracts.service.js';
import { upsertApplicantContact } from '../../src/features/people/people.public.js';
import type { TenantSchema } from '../../src/platform/db/schema.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { launchBrowser } from '../harness/browser.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
declare const axe: typeof import('axe-core');

// An adopter signs the emailed contract in Chromium: drawing on the pad (JavaScript) or, with
// JavaScript off, by typing their name; the pages are checked with axe-core (WCAG 2.1 AA).
describe('adoption contract signing in Chromium', () => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let browser: Browser;
  let origin: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp('embedded');
    await t.addTenant('alpha', 'Alpha Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** An approved application with a prepared contract; returns the signing link and the application id. */
  async function preparedContract(): Promise<{ link: string; applicationId: string; name: string }> {
    const ring = t.rt.ctx.secrets.keyRing;
    const dog = await db.insertInto('dogs').values({ name: `Juniper ${++n}`, size: 'large', intake_date: '2024-03-01', intake_type: 'stray' }).returning('id').executeTakeFirstOrThrow();
    const name = `Robin Adopter ${n}`;
    const { contactId } = await upsertApplicantContact(db, ring, { name, email: `robin${n}@example.org`, address: '9 Elm Row' });
    const app = await db.insertInto('applications').values({ dog_id: dog.id, contact_id: contactId, status: 'approved', answers_enc: encryptAnswers(ring, []), idempotency_key: randomUUID() })
      .returning('id').executeTakeFirstOrThrow();
    let link = '';
    await prepareContract({ db, ring, jobs: t.rt.jobs, rescueName: 'Alpha Rescue' }, app.id, { type: 'system' }, (token) => (link = `${origin}/r/alpha/contracts/${token}`));
    return { link, applicationId: app.id, name };
  }

  async function audit(page: Page) {
    await page.addScriptTag({ path: AXE });
    const results: AxeResults = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(results.passes.length).toBeGreaterThan(0);
  }

  const method = async (applicationId: string) =>
    (await db.selectFrom('adoption_contracts').select('signature_method').where('application_id', '=', applicationId).where('superseded_at', 'is', null).executeTakeFirstOrThrow()).signature_method;

  it('signs with a signature drawn on the pad', async () => {
    const { link, applicationId, name } = await preparedContract();
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: /Adoption contract for Juniper/ }).waitFor();
    const pad = page.locator('canvas.contract-pad');
    await pad.waitFor({ state: 'visible' });
    await audit(page);
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * (box.width - 40) / 12, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 2)));
    await page.mouse.up();
    expect(await page.locator('input[name=signature]').inputValue()).toMatch(/^data:image\/png;base64,/);
    await page.getByLabel('Your full name').fill(name);
    await page.getByLabel('I have read this contract and I agree to it.').check();
    await page.getByRole('button', { name: 'Sign the contract' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you for signing' }).waitFor();
    await audit(page);
    expect(await method(applicationId)).toBe('drawn');
  });

  it('signs without JavaScript by typed name, after a rejected attempt that keeps the name', async () => {
    const { link, applicationId, name } = await preparedContract();
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(link);
    expect(await page.locator('canvas.contract-pad').isVisible()).toBe(false);
    await page.getByLabel('Your full name').fill(name);
    await page.getByRole('button', { name: 'Sign the contract' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#f-agree-error').getByText('tick the box to confirm').isVisible()).toBe(true);
    // The error summary links to the box it names.
    expect(await page.getByRole('alert').getByRole('link', { name: /tick the box to confirm/ }).getAttribute('href')).toBe('#f-agree');
    expect(await page.getByLabel('Your full name').inputValue()).toBe(name);
    await page.getByLabel('I have read this contract and I agree to it.').check();
    await page.getByRole('button', { name: 'Sign the contract' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you for signing' }).waitFor();
    expect(await method(applicationId)).toBe('typed');
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This signing link cannot be used');
  });
});
