/**
 * What the hub's browser tests share: the two widths, signing in to the demo as its admin, axe, and
 * the demo served with an AI server (the in-process dispatcher over a simulated GPU server).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { startSimBackend, type RunningSimBackend } from '../../src/inference/simulator/server.js';
import type { SimFaults } from '../../src/inference/simulator/faults.js';
import { serveDemo, type DemoServer } from './serve.js';

const AXE = path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
declare const axe: typeof import('axe-core');

/** A desktop and a phone. */
export const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** Signs in to the demo rescue's hub as its admin and waits for the dashboard. */
export async function signInToDemo(page: Page, server: DemoServer): Promise<void> {
  await page.goto(`${server.url}/r/demo/hub/sign-in`);
  await page.getByLabel('Email').fill(server.demo.email);
  await page.getByLabel('Password').fill(server.demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

/** Runs axe (WCAG 2.1 A and AA) on the page: no violations, and some rules passed. */
export async function expectAxeClean(page: Page): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const results: AxeResults = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(results.passes.length).toBeGreaterThan(0);
}

/** The demo served with the in-process dispatcher over a simulated GPU server serving `demo-model`. */
export interface DemoWithAi {
  server: DemoServer;
  sim: RunningSimBackend;
  stop(): Promise<void>;
}

/** Starts a simulated GPU server (with `faults`, if any), a dispatcher config for it, and the demo using it. */
export async function serveDemoWithAi(faults?: SimFaults): Promise<DemoWithAi> {
  const sim = await startSimBackend({ modelName: 'demo-model', timing: { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 100_000 } });
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-ai-browser-'));
  try {
    if (faults) sim.setFaults(faults);
    const config = path.join(dir, 'dispatcher.json');
    writeFileSync(config, JSON.stringify({ backends: [{ name: 'gpu-1', baseUrl: sim.url, kind: 'vllm', tier: 'dedicated', models: ['demo-model'], slots: 2 }] }));
    const server = await serveDemo({ KONA_DISPATCHER_CONFIG: config, KONA_AI_MODEL: 'demo-model' });
    return {
      server, sim,
      async stop() {
        await server.stop();
        await sim.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Saves a screenshot for a person to look at, only when KONA_SCREENSHOT_DIR names a folder (never a fixed path in /tmp). */
export async function screenshotFor(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = process.env.KONA_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), ...options });
}
