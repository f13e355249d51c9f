import { createServer } from 'node:net';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';

/** The four Lighthouse categories recorded, by their ids in a report. */
export const lighthouseCategories = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

/** One page's Lighthouse scores (0–100) and the audits that cost it points, worst first. */
export interface LighthouseResult {
  page: string;
  url: string;
  scores: Record<(typeof lighthouseCategories)[number], number>;
  /** Counted audits short of a full score, with their score (0–1) and what Lighthouse measured, if anything. */
  findings: { id: string; title: string; score: number; value?: string }[];
  /** Core timings from the performance category (ms, CLS unitless), as Lighthouse simulated them. */
  metrics: Record<string, number>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const metricIds = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'] as const;

/**
 * Runs Lighthouse (its default: a phone, Moto G Power sized, with simulated slow 4G and a 4× slower
 * CPU) on each page in Debian's Chromium, which playwright-core starts with a debugging port for
 * Lighthouse to drive; one browser, one page after another, so the figures do not compete.
 */
export async function lighthouseScores(pages: { page: string; url: string }[]): Promise<LighthouseResult[]> {
  const port = await freePort();
  const executablePath = process.env.KONA_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', `--remote-debugging-port=${port}`] });
  try {
    const results: LighthouseResult[] = [];
    for (const p of pages) {
      const run = await lighthouse(p.url, { port, output: 'json', logLevel: 'error', onlyCategories: [...lighthouseCategories] });
      if (!run) throw new Error(`Lighthouse returned nothing for ${p.url}`);
      const { lhr } = run;
      if (lhr.runtimeError) throw new Error(`Lighthouse could not load ${p.url}: ${lhr.runtimeError.message}`);
      const scores = Object.fromEntries(lighthouseCategories.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as LighthouseResult['scores'];
      const counted = new Set(lighthouseCategories.flatMap((c) => (lhr.categories[c]?.auditRefs ?? []).filter((r) => r.weight > 0).map((r) => r.id)));
      const findings = Object.values(lhr.audits)
        .filter((a) => counted.has(a.id) && a.score !== null && a.score < 1)
        .sort((a, b) => (a.score ?? 0) - (b.score ?? 0))
        .map((a) => ({ id: a.id, title: a.title, score: a.score ?? 0, ...(a.displayValue ? { value: a.displayValue } : {}) }));
      const metrics = Object.fromEntries(metricIds.map((id) => [id, Math.round((lhr.audits[id]?.numericValue ?? 0) * 1000) / 1000]));
      results.push({ ...p, scores, findings, metrics });
    }
    return results;
  } finally {
    await browser.close();
  }
}
