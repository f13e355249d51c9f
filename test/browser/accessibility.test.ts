import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startSimBackend, type RunningSimBackend } from '../../src/inference/simulator/server.js';
import { adminSocketPath, callAdmin } from '../../src/platform/runtime/admin-socket.js';
import { launchBrowser } from '../harness/browser.js';
import { serveDemo, type DemoServer } from '../harness/serve.js';

// axe-core's minified build, injected into each page; the package's main is axe.js next to it.
const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The global axe-core defines in the page once injected. */
declare const axe: typeof import('axe-core');

const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
type Viewport = keyof typeof viewports;

/** What axe found, one violation a paragraph, with the selectors of the elements that fail it. */
function describeViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`);
      return `${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n  ${v.helpUrl}\n${nodes.join('\n')}`;
    })
    .join('\n\n');
}

// Every page a person reaches in the demo rescue, checked with axe-core's WCAG 2.1 A and AA rules
// in Chromium at a desktop and a phone width, as the server renders it (no mocks).
describe('accessibility (axe-core, WCAG 2.1 AA) in Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  /** A tab signed in as the demo admin and a signed-out visitor's tab, per viewport; each case reuses them. */
  const tabs = { admin: {}, visitor: {} } as Record<'admin' | 'visitor', Record<Viewport, Page>>;
  let invitePath: string;
  let invited = 0;
  let vetsRegistered = 0;
  // A simulated GPU server behind the dispatcher Kona runs in-process, for the operator's page.
  let sim: RunningSimBackend;
  let simDir: string;

  const url = (p: string) => `${server.url}${p}`;

  async function signIn(page: Page, password: string) {
    await page.goto(url('/r/demo/hub/sign-in'));
    await page.getByLabel('Email').fill(server.demo.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Invites a new address as staff from the staff page and returns the path of the link shown once (checking it points at this server). */
  async function invite(page: Page): Promise<string> {
    await page.goto(url('/r/demo/hub/staff'));
    await page.getByLabel('Email').fill(`a11y-${++invited}@example.org`);
    await page.getByLabel('Role', { exact: true }).selectOption('staff');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = new URL(await page.locator('#invite-link').inputValue());
    expect(link.port).toBe(new URL(server.url).port);
    return link.pathname;
  }

  /** Sends the demo foster a reset link from the staff page and returns the link shown once (this server has no mail server). */
  async function sendReset(page: Page): Promise<string> {
    await page.goto(url('/r/demo/hub/staff'));
    await page.getByRole('button', { name: 'Send a password reset link to Fern Example (demo foster)' }).click();
    return page.locator('#reset-link').inputValue();
  }

  /** Signs a tab in to the operator console through its form. */
  async function operatorSignIn(page: Page, ops: { username: string; password: string }) {
    await page.goto(url('/operator/sign-in'));
    await page.getByLabel('Username').fill(ops.username);
    await page.getByLabel('Password').fill(ops.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rescues' }).waitFor();
  }

  beforeAll(async () => {
    sim = await startSimBackend({ modelName: 'demo-model' });
    simDir = mkdtempSync(path.join(tmpdir(), 'kona-a11y-dispatcher-'));
    const dispatcherConfig = path.join(simDir, 'dispatcher.json');
    writeFileSync(dispatcherConfig, JSON.stringify({ backends: [{ name: 'gpu-1', baseUrl: sim.url, kind: 'vllm', tier: 'dedicated', models: ['demo-model'], slots: 4 }] }));
    server = await serveDemo({ KONA_DISPATCHER_CONFIG: dispatcherConfig });
    browser = await launchBrowser();
    const created = await callAdmin(adminSocketPath(server.dataDir), { command: 'operator.create', args: { username: 'ops' } });
    if (!created.ok) throw new Error(created.error);
    const ops = created.result as { username: string; password: string };
    const first = await browser.newContext({ viewport: viewports.desktop });
    const page = await first.newPage();
    await signIn(page, server.demo.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    invitePath = await invite(page);
    const storageState = await first.storageState();
    await first.close();
    for (const v of Object.keys(viewports) as Viewport[]) {
      tabs.admin[v] = await (await browser.newContext({ viewport: viewports[v], storageState })).newPage();
      tabs.visitor[v] = await (await browser.newContext({ viewport: viewports[v] })).newPage();
    }
    // The admin tabs also hold an operator session (a separate cookie), for the console's pages.
    await operatorSignIn(tabs.admin.desktop, ops);
    // The operator's way to the dispatcher's page: the link on the console's home.
    await tabs.admin.desktop.getByRole('link', { name: 'Inference dispatcher' }).click();
    await tabs.admin.desktop.getByRole('heading', { level: 1, name: 'Inference dispatcher' }).waitFor();
    expect(await tabs.admin.desktop.getByRole('row', { name: /gpu-1/ }).textContent()).toContain('healthy');
    await operatorSignIn(tabs.admin.phone, ops);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.close();
    if (simDir) rmSync(simDir, { recursive: true, force: true });
  });

  /** Runs axe-core and the landmark checks on the page as it is now. */
  async function audit(page: Page, h1: string) {
    const structure = await page.evaluate(() => ({
      lang: document.documentElement.getAttribute('lang') ?? '',
      mains: document.querySelectorAll('main').length,
      h1s: document.querySelectorAll('h1').length,
      h1: document.querySelector('h1')?.textContent ?? '',
    }));
    expect(structure.h1, `the page at ${new URL(page.url()).pathname}`).toBe(h1);
    expect.soft(structure.lang, 'the <html> element has a lang attribute').not.toBe('');
    expect.soft(structure.mains, 'exactly one <main>').toBe(1);
    expect.soft(structure.h1s, 'exactly one <h1>').toBe(1);
    await page.addScriptTag({ path: AXE });
    const results: AxeResults = await page.evaluate((values) => axe.run(document, { runOnly: { type: 'tag', values } }), TAGS);
    if (results.violations.length > 0) {
      expect.fail(`axe-core found ${results.violations.length} violation(s) on ${new URL(page.url()).pathname}:\n\n${describeViolations(results.violations)}`);
    }
    // Checks that found nothing to check would pass vacuously: make sure the page was really examined.
    expect(results.passes.length).toBeGreaterThan(0);
  }

  interface Case {
    name: string;
    /** The page's heading, to be sure the case reached the page it means to check. */
    h1: string;
    who: 'admin' | 'visitor';
    viewports: Viewport[];
    /** Brings the page to the state to check. */
    open(page: Page): Promise<unknown>;
  }

  const both: Viewport[] = ['desktop', 'phone'];
  const cases: Case[] = [
    { name: 'landing page /', h1: 'Rescues on this Kona', who: 'visitor', viewports: both, open: (p) => p.goto(url('/')) },
    { name: "rescue's public home /r/demo/", h1: 'Demo Rescue', who: 'visitor', viewports: both, open: (p) => p.goto(url('/r/demo/')) },
    { name: "rescue's lost-and-found page", h1: 'Lost or found a dog?', who: 'visitor', viewports: both, open: (p) => p.goto(url('/r/demo/lost-and-found')) },
    { name: 'cross-rescue lost-and-found page', h1: 'Lost or found a dog?', who: 'visitor', viewports: both, open: (p) => p.goto(url('/lost-and-found')) },
    { name: 'hub sign-in', h1: 'Sign in to the Demo Rescue hub', who: 'visitor', viewports: both, open: (p) => p.goto(url('/r/demo/hub/sign-in')) },
    {
      name: 'hub sign-in after a wrong password',
      h1: 'Sign in to the Demo Rescue hub',
      who: 'visitor',
      viewports: both,
      open: async (p) => {
        await signIn(p, 'not the password at all');
        await p.getByRole('alert').waitFor();
      },
    },
    {
      name: 'hub sign-in after an empty submission (field errors)',
      h1: 'Sign in to the Demo Rescue hub',
      who: 'visitor',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/sign-in'));
        await p.getByRole('button', { name: 'Sign in' }).click();
        await p.locator('.field-error').first().waitFor();
      },
    },
    { name: 'dashboard', h1: 'Dashboard', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub')) },
    { name: 'lost-and-found messages', h1: 'Lost and found messages', who: 'admin', viewports: ['desktop'], open: (p) => p.goto(url('/r/demo/hub/lost-and-found')) },
    {
      name: 'dashboard with the phone menu open',
      h1: 'Dashboard',
      who: 'admin',
      viewports: ['phone'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub'));
        await p.getByText('Menu', { exact: true }).click();
        await p.getByRole('link', { name: 'Audit log' }).waitFor();
      },
    },
    { name: 'photos awaiting approval', h1: 'Photos awaiting approval', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/photos/pending')) },
    { name: 'signed contracts, adoptions to complete', h1: 'Signed contracts: adoptions to complete', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/contracts/signed')) },
    {
      name: 'staff, with an open invitation',
      h1: 'Staff',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/staff'));
        await p.getByRole('button', { name: /Withdraw the invitation/ }).first().waitFor();
      },
    },
    {
      name: 'staff, right after inviting (link shown once)',
      h1: 'Staff',
      who: 'admin',
      viewports: both,
      open: (p) => invite(p),
    },
    {
      name: 'staff, after an invalid invitation',
      h1: 'Staff',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/staff'));
        await p.getByLabel('Email').fill('not an email');
        await p.getByRole('button', { name: 'Create invitation' }).click();
        await p.locator('.field-error').first().waitFor();
      },
    },
    { name: 'settings', h1: 'Rescue settings', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/settings')) },
    {
      name: 'settings after a rejected submission (empty name)',
      h1: 'Rescue settings',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/settings'));
        await p.getByLabel('Rescue name').fill('');
        await p.getByRole('button', { name: 'Save settings' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'jobs', h1: 'Background jobs', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/jobs')) },
    { name: 'outbox', h1: 'Outbox', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/outbox')) },
    { name: 'audit log', h1: 'Audit log', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/audit')) },
    { name: 'change password', h1: 'Change your password', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/account/password')) },
    {
      name: 'change password after a rejected submission',
      h1: 'Change your password',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/account/password'));
        await p.getByRole('button', { name: 'Change password' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'forgot password', h1: 'Forgot your password?', who: 'visitor', viewports: both, open: (p) => p.goto(url('/r/demo/hub/forgot-password')) },
    {
      name: 'forgot password, after asking (the same answer for any email)',
      h1: 'Forgot your password?',
      who: 'visitor',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/forgot-password'));
        await p.getByLabel('Email').fill('nobody@example.org');
        await p.getByRole('button', { name: 'Send me a link' }).click();
        await p.getByRole('status').waitFor();
      },
    },
    { name: 'staff, right after sending a reset link (link shown once)', h1: 'Staff', who: 'admin', viewports: ['desktop'], open: (p) => sendReset(p) },
    { name: 'choose a new password (reset link)', h1: 'Choose a new password', who: 'visitor', viewports: both, open: async (p) => p.goto(await sendReset(tabs.admin.desktop)) },
    {
      name: 'inviting someone who already has an account',
      h1: 'foster@demo.kona.local already has an account',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/staff'));
        await p.getByLabel('Email').fill('foster@demo.kona.local');
        await p.getByRole('button', { name: 'Create invitation' }).click();
      },
    },
    { name: 'operator forgot password', h1: 'Forgot your password?', who: 'visitor', viewports: both, open: (p) => p.goto(url('/operator/forgot-password')) },
    { name: 'invitation acceptance', h1: 'Join the Demo Rescue hub', who: 'visitor', viewports: both, open: (p) => p.goto(url(invitePath)) },
    { name: '404 inside a rescue', h1: 'Not found', who: 'visitor', viewports: both, open: (p) => p.goto(url('/r/demo/no-such-page')) },
    { name: '404 outside any rescue', h1: 'Not found', who: 'visitor', viewports: ['desktop'], open: (p) => p.goto(url('/no-such-page')) },
    { name: 'operator sign-in', h1: 'Sign in to the operator console', who: 'visitor', viewports: both, open: (p) => p.goto(url('/operator/sign-in')) },
    { name: 'operator console', h1: 'Rescues', who: 'admin', viewports: both, open: (p) => p.goto(url('/operator')) },
    { name: 'operator: inference dispatcher', h1: 'Inference dispatcher', who: 'admin', viewports: both, open: (p) => p.goto(url('/operator/inference')) },
    { name: 'people', h1: 'People', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/people')) },
    {
      name: 'people search results (posted)',
      h1: 'People',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/people'));
        await p.getByLabel('Name, organisation, exact email or phone').fill('rivera');
        await p.getByRole('button', { name: 'Search' }).click();
        await p.getByRole('link', { name: 'Sam Rivera (demo)' }).waitFor();
      },
    },
    {
      name: 'a contact with applications and a likely duplicate',
      h1: 'Sam Rivera (demo)',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/people'));
        await p.getByLabel('Name, organisation, exact email or phone').fill('rivera');
        await p.getByRole('button', { name: 'Search' }).click();
        await p.getByRole('link', { name: 'Sam Rivera (demo)' }).click();
        await p.getByRole('heading', { name: 'Likely duplicate' }).waitFor();
      },
    },
    {
      name: 'new contact after a rejected submission',
      h1: 'Add a contact',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/people/new'));
        await p.getByLabel('Email').fill('not an email');
        await p.getByRole('button', { name: 'Add contact' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'application questions', h1: 'Application questions', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/adoptions/questions')) },
    { name: 'review concerns', h1: 'Application review concerns', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/adoptions/concerns')) },
    {
      name: 'review concern refused',
      h1: 'Application review concerns',
      who: 'admin',
      viewports: ['phone'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/adoptions/concerns'));
        await p.getByLabel('Concern', { exact: true }).fill('Applicant is elderly');
        await p.getByRole('button', { name: 'Add concern' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    {
      name: 'public application form',
      h1: 'Apply to adopt Juniper',
      who: 'visitor',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/'));
        await p.getByRole('link', { name: /Juniper/ }).first().click();
        await p.getByRole('link', { name: 'Apply to adopt Juniper' }).click();
      },
    },
    {
      name: 'public application form after a rejected submission (answers kept)',
      h1: 'Apply to adopt Juniper',
      who: 'visitor',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/'));
        await p.getByRole('link', { name: /Juniper/ }).first().click();
        await p.getByRole('link', { name: 'Apply to adopt Juniper' }).click();
        await p.getByLabel('Your name (required)').fill('Axe Tester');
        await p.getByRole('button', { name: 'Send application' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'notifications', h1: 'Notifications', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/notifications')) },
    { name: 'adoption contract template', h1: 'Adoption contract template', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/adoptions/contract-template')) },
    {
      name: 'adoption contract template after an unknown placeholder',
      h1: 'Adoption contract template',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/adoptions/contract-template'));
        await p.getByLabel('Contract text').fill('Dear {{adopter}}, thank you.');
        await p.getByRole('button', { name: 'Save template' }).click();
        await p.locator('.field-error').first().waitFor();
      },
    },
    {
      name: "approved application's contract (prepared by the demo seed)",
      h1: 'Adoption contract for Ziggy',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/applications'));
        await p.getByRole('link', { name: 'Alex Morgan (demo)' }).click();
        await p.getByRole('link', { name: 'Adoption contract', exact: true }).click();
        await p.getByText('Prepared, waiting for the adopter to sign').waitFor();
      },
    },
    { name: 'contract signing link that does not exist', h1: 'This signing link cannot be used', who: 'visitor', viewports: both, open: (p) => p.goto(url(`/r/demo/contracts/${'x'.repeat(43)}`)) },
    { name: 'data export', h1: "Export the rescue's data", who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/export')) },
    {
      name: "a dog's page with photos (review and delete controls)",
      h1: 'Waffles',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/dogs'));
        await p.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await p.getByText('Delete…').first().waitFor();
      },
    },
    {
      name: "asking about a dog's record, with an answer",
      h1: 'Ask about Waffles',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/dogs'));
        await p.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await p.getByRole('link', { name: "Ask about Waffles's record" }).click();
        await p.getByLabel('Your question about Waffles').fill('Is Waffles good with cats?');
        await p.getByRole('button', { name: 'Ask', exact: true }).click();
        await p.getByText('Answered by searching the record').first().waitFor();
      },
    },
    {
      name: "a dog's medical record (documents, booster and dose forms)",
      h1: 'Waffles: medical record',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/dogs'));
        await p.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await p.getByRole('link', { name: /Vaccinations, treatments, vet visits and weights of Waffles/ }).click();
        await p.getByRole('link', { name: 'Visit summary (demo)' }).first().waitFor();
      },
    },
    {
      name: "a medical document's proposed entries (waiting to be read)",
      h1: 'Proposed entries from “Visit summary (demo)”',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/dogs'));
        await p.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await p.getByRole('link', { name: /Vaccinations, treatments, vet visits and weights of Waffles/ }).click();
        await p.getByRole('link', { name: 'Proposed entries from Visit summary (demo)' }).click();
        await p.getByRole('button', { name: 'Extract again' }).waitFor();
      },
    },
    {
      name: "a dog's medical record with every add-form unfolded",
      h1: 'Waffles: medical record',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/dogs'));
        await p.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await p.getByRole('link', { name: /Vaccinations, treatments, vet visits and weights of Waffles/ }).click();
        for (const summary of ['Record a vaccination', 'Record a treatment or medication', 'Record a vet visit', 'Attach a document']) await p.getByText(summary, { exact: true }).click();
        await p.getByRole('button', { name: 'Attach document' }).waitFor();
      },
    },
    {
      name: 'edit a treatment after a rejected submission',
      h1: 'Edit treatment or medication for Waffles',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/dogs'));
        await p.getByRole('link', { name: 'Waffles', exact: true }).first().click();
        await p.getByRole('link', { name: /Vaccinations, treatments, vet visits and weights of Waffles/ }).click();
        await p.getByRole('link', { name: /^Edit Ear drops/ }).click();
        await p.getByLabel('Name', { exact: true }).fill('');
        await p.getByRole('button', { name: 'Save changes' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'applications inbox', h1: 'Applications', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/applications')) },
    { name: 'applications inbox, all statuses', h1: 'Applications', who: 'admin', viewports: ['desktop'], open: (p) => p.goto(url('/r/demo/hub/applications?status=all')) },
    {
      name: 'an application in review (next steps, note, history)',
      h1: 'Application for Marlowe',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/applications'));
        await p.getByRole('link', { name: 'Priya Shah (demo)' }).click();
        await p.getByRole('button', { name: 'Approve' }).waitFor();
      },
    },
    {
      name: "an application's review and interview questions",
      h1: 'Review of the application for Marlowe',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/applications'));
        await p.getByRole('link', { name: 'Priya Shah (demo)' }).click();
        await p.getByRole('link', { name: 'Review of the answers and interview questions' }).click();
        await p.getByRole('button', { name: /Review the answers|Review again/ }).click();
        await p.getByRole('heading', { name: 'Interview questions' }).waitFor();
      },
    },
    {
      name: 'an approved application: the contract first, then the completion form after a refusal (fee, contract override)',
      h1: 'Application for Ziggy',
      who: 'admin',
      viewports: both,
      open: async (p) => {
        await p.goto(url('/r/demo/hub/applications'));
        await p.getByRole('link', { name: 'Alex Morgan (demo)' }).click();
        await p.getByLabel('Amount').fill('free');
        await p.getByRole('button', { name: 'Complete the adoption' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    {
      name: 'an application after a denial without a reason',
      h1: 'Application for Tumbleweed',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/applications'));
        await p.getByRole('link', { name: 'Tom Becker (demo)' }).click();
        await p.getByRole('button', { name: 'Deny' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'emails to applicants (templates)', h1: 'Emails to applicants', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/adoptions/templates')) },
    { name: 'an email template with its preview', h1: '“Approved” email', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/adoptions/templates/approved')) },
    {
      name: 'an email template after an unknown placeholder',
      h1: '“Denied” email',
      who: 'admin',
      viewports: ['desktop'],
      open: async (p) => {
        await p.goto(url('/r/demo/hub/adoptions/templates/denied'));
        await p.getByLabel('Subject').fill('About {{dog}}');
        await p.getByRole('button', { name: 'Save' }).click();
        await p.getByRole('alert').waitFor();
      },
    },
    { name: 'vet registration', h1: 'Register as a vet', who: 'visitor', viewports: both, open: (p) => p.goto(url('/vet/register')) },
    { name: 'vet sign-in', h1: 'Sign in as a vet', who: 'visitor', viewports: both, open: (p) => p.goto(url('/vet/sign-in')) },
    {
      // Last of the visitor's cases: from here on the visitor's tabs hold a (pending) vet's session.
      name: 'a vet just registered, waiting for verification', h1: 'Your vet account', who: 'visitor', viewports: both,
      open: async (p) => {
        const n = ++vetsRegistered;
        await p.goto(url('/vet/register'));
        await p.getByLabel('Your name').fill(`Dr Axe Example ${n}`);
        await p.getByLabel('Clinic', { exact: true }).fill('Harbour Vets');
        await p.getByLabel('Licence number').fill(`A11Y-${n}`);
        await p.getByLabel('Email').fill(`a11y-vet-${n}@clinic.example`);
        await p.getByLabel('Password', { exact: true }).fill('a long enough vet password');
        await p.getByLabel('Password again').fill('a long enough vet password');
        await p.getByRole('button', { name: 'Register' }).click();
        await p.getByRole('heading', { level: 1, name: 'Your vet account' }).waitFor();
      },
    },
    { name: "a pending vet's home", h1: 'Waiting for verification', who: 'visitor', viewports: both, open: (p) => p.goto(url('/vet')) },
    { name: 'vets waiting for verification (hub)', h1: 'Vets waiting for verification', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/vets')) },
    { name: 'vet access requests (hub)', h1: 'Vet access requests', who: 'admin', viewports: both, open: (p) => p.goto(url('/r/demo/hub/vet-requests')) },
    { name: 'operator: vets', h1: 'Vets', who: 'admin', viewports: both, open: (p) => p.goto(url('/operator/vets')) },
  ];

  const runs = cases.flatMap((c) => c.viewports.map((viewport) => ({ ...c, viewport })));
  it.each(runs)('$name ($viewport)', async ({ who, viewport, open, h1 }) => {
    const page = tabs[who][viewport];
    await open(page);
    await audit(page, h1);
  });
});
