import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDrillReport } from '../../src/ops/drill/ha/report/render.js';
import { syntheticRun } from '../../src/ops/drill/ha/report/run.testing.js';
import { launchBrowser } from '../harness/browser.js';
import { expectAxeClean, screenshotFor } from '../harness/hub-browser.js';

declare const Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: unknown[] }; options: { plugins: { annotation: { annotations: object } } } } | undefined };

// An HA drill's report opened as a file in Chromium, as an operator would after `kona drill report <id>`:
// the charts drawn by the inlined Chart.js, the verdict, findings and figures shown, axe clean, and no
// request beyond the file itself.
describe('HA drill report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-drill-report-'));
  const run = syntheticRun('20261208T010000Z-primary-kill', '2026-12-08T01:00:00Z', { lost: ['app-lost-1', 'app-lost-2'] });

  beforeAll(async () => {
    const file = path.join(dir, `${run.id}.html`);
    writeFileSync(file, renderDrillReport(run));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.locator('canvas[data-drawn="true"]').nth(3).waitFor({ state: 'attached' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the four charts with Chart.js, each with its series and some ink', async () => {
    const drawn = await page.evaluate(() => Array.from(document.querySelectorAll('canvas')).map((c) => {
      const ctx = c.getContext('2d')!;
      const pixels = ctx.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked += 1;
      const chart = Chart.getChart(c);
      return { id: c.id, datasets: chart?.data.datasets.length ?? 0, markers: Object.keys(chart?.options.plugins.annotation.annotations ?? {}).length, inked, area: c.width * c.height };
    }));
    expect(drawn.map((d) => d.id)).toEqual(['chart-throughput', 'chart-latency', 'chart-errors', 'chart-write-gap']);
    expect(drawn.map((d) => d.datasets)).toEqual([4, 2, 2, 1]);
    // Five events and the write gap's two marks on every chart.
    expect(drawn.map((d) => d.markers)).toEqual([7, 7, 7, 7]);
    for (const d of drawn) expect(d.inked, d.id).toBeGreaterThan(d.area * 0.01);
  });

  it('shows the verdict, the lost ids, the figures and the targets', async () => {
    await expect(page.locator('h1 .verdict').textContent()).resolves.toBe('FAIL');
    await expect(page.locator('[data-finding="lost"]').textContent()).resolves.toContain('app-lost-1, app-lost-2');
    const figures = await page.locator('#figures').textContent();
    expect(figures).toContain('Write unavailability (s)');
    expect(figures).toContain(run.figures.writeUnavailableSeconds!.toFixed(2));
    await expect(page.locator('#targets').textContent()).resolves.toContain('≤ 15 s');
    await expect(page.locator('#alerts').textContent()).resolves.toContain('KonaDatabaseDown');
    await expect(page.locator('#triage').textContent()).resolves.toContain('restart pg1');
    // An event's text is shown as text, never run as markup.
    await expect(page.locator('#events').textContent()).resolves.toContain('SIGKILL to the primary pg1 <script>');
    await expect(page.locator('script').count()).resolves.toBe(3);
  });

  it('has each chart\'s data as a table behind a summary', async () => {
    await page.getByText('Latency: the data as a table').click();
    const rows = page.locator('details').nth(1).locator('tbody tr');
    await expect(rows.count()).resolves.toBe(run.timeline.length);
  });

  it('passes axe and made no request beyond the file itself', async () => {
    await expectAxeClean(page);
    await screenshotFor(page, 'drill-report', { fullPage: true });
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});
