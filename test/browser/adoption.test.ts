import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

const applicant = { name: 'Robin Visitor-Test', email: 'robin.visitor@example.org', phone: '07700 900999', address: '5 Test Lane, Demotown' };
const experience = 'We had a senior chihuahua for twelve years.';

// A visitor finds a dog on the public site and applies (one field wrong first); then staff review,
// approve and complete the adoption in the hub (fee, receipt, contract override), and the dog shows as
// adopted. The real server, in Chromium.
describe('a visitor applies and staff complete the adoption (Chromium)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  const url = (p: string) => `${server!.url}${p}`;

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(): Promise<Page> {
    return (await browser!.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }

  async function fillApplication(page: Page, email: string): Promise<void> {
    await page.getByLabel('Your name (required)').fill(applicant.name);
    await page.getByLabel('Email (required)').fill(email);
    await page.getByLabel('Phone').fill(applicant.phone);
    await page.getByLabel('Address (required)').fill(applicant.address);
    await page.getByRole('radio', { name: 'Flat or apartment' }).check();
    await page.getByRole('radio', { name: 'Own', exact: true }).check();
    await page.getByRole('radio', { name: 'Yes', exact: true }).check();
    await page.getByLabel('Which other pets live with you?').fill('A calm old cat called Miso.');
    await page.getByLabel(/Have you had a dog before\?/).fill(experience);
  }

  it('a visitor filters the listing, opens a dog and applies, keeping the answers through a rejected field', async () => {
    const page = await newPage();
    await page.goto(url('/r/demo/'));
    // The filters fold behind one button.
    await page.getByText('Filter dogs', { exact: true }).click();
    await page.getByLabel('Size').selectOption('small');
    await page.getByRole('checkbox', { name: 'Cats' }).check();
    await page.getByRole('button', { name: 'Show dogs' }).click();
    await page.waitForURL(/size=small/);
    const names = await page.locator('.dog-card h3').allTextContents();
    expect(names).toContain('Clementine');
    expect(names).not.toContain('Pepper'); // small, but not good with cats
    expect(names).not.toContain('Juniper'); // large
    await page.getByRole('link', { name: /Clementine/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Clementine' }).waitFor();
    await page.getByRole('link', { name: 'Apply to adopt Clementine' }).click();
    await page.getByRole('heading', { level: 1, name: 'Apply to adopt Clementine' }).waitFor();

    await fillApplication(page, 'robin.visitor-at-example.org');
    await page.getByRole('button', { name: 'Send application' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#f-email-error').textContent()).toBeTruthy();
    expect(await page.getByLabel('Email (required)').getAttribute('aria-invalid')).toBe('true');
    // Everything else is still there.
    expect(await page.getByLabel('Your name (required)').inputValue()).toBe(applicant.name);
    expect(await page.getByLabel('Address (required)').inputValue()).toBe(applicant.address);
    expect(await page.getByRole('radio', { name: 'Flat or apartment' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Own', exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel(/Have you had a dog before\?/).inputValue()).toBe(experience);

    await page.getByLabel('Email (required)').fill(applicant.email);
    await page.getByRole('button', { name: 'Send application' }).click();
    await page.getByRole('heading', { level: 1, name: 'Application received' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Thank you for applying to adopt Clementine.');
    await page.context().close();
  });

  it('staff find the application, review, approve and complete it, and the dog is adopted', async () => {
    const page = await newPage();
    await page.goto(url('/r/demo/hub/sign-in'));
    await page.getByLabel('Email').fill(server!.demo.email);
    await page.getByLabel('Password').fill(server!.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    // Newest first: the visitor's application heads the list.
    expect(await page.locator('tbody tr').first().locator('th').textContent()).toContain(applicant.name);
    await page.getByRole('link', { name: applicant.name }).click();
    await page.getByRole('heading', { level: 1, name: 'Application for Clementine' }).waitFor();
    expect(await page.getByText(experience).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Start review' }).click();
    await page.getByRole('heading', { level: 2, name: 'Status: In review' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('The applicant was emailed.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { level: 2, name: 'Status: Approved' }).waitFor();
    // The contract is the next step offered; denying stays possible, but after completing.
    expect(await page.locator('section[aria-labelledby="actions-heading"] button').allTextContents())
      .toEqual(['Prepare the contract and email the link', 'Complete the adoption', 'Deny', 'Mark as withdrawn by the applicant']);
    // Completing records the fee (the dog's fee and the next receipt number are suggested) and, with no signed contract, why.
    expect(await page.getByLabel('Amount').inputValue()).toBe('75.00');
    expect(await page.getByLabel('Receipt number').inputValue()).toMatch(/^\d{4}-\d{4}$/);
    await page.getByLabel('Paid by').selectOption('card_in_person');
    await page.getByRole('button', { name: 'Complete the adoption' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('tick "Complete without a signed contract"');
    expect(await page.getByLabel('Paid by').inputValue()).toBe('card_in_person');
    await page.getByLabel('Complete without a signed contract').check();
    await page.getByLabel('Reason for completing without a signed contract').fill('Signed on paper at the handover.');
    await page.getByRole('button', { name: 'Complete the adoption' }).click();
    await page.getByRole('heading', { level: 2, name: 'Status: Completed (adopted)' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('The adoption is complete');
    expect(await page.getByRole('status').textContent()).toContain('The receipt was emailed to the adopter.');
    expect(await page.getByText('Completed without a signed contract: Signed on paper at the handover.').isVisible()).toBe(true);
    const history = await page.locator('#history-heading + ol').textContent();
    expect(history).toContain('In review → Approved');
    expect(history).toContain('Approved → Completed (adopted)');

    await page.getByRole('link', { name: 'Clementine' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Clementine' }).waitFor();
    expect(await page.getByRole('heading', { level: 2, name: /^Status:/ }).textContent()).toBe('Status: Adopted');
    // No longer listed publicly.
    const listing = await (await browser!.newContext()).newPage();
    await listing.goto(url('/r/demo/'));
    expect(await listing.locator('.dog-card h3').allTextContents()).not.toContain('Clementine');
    await page.context().close();
  });
});
