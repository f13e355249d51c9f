/**
 * `npm run bench:matching` in its quick mode (BENCH_MATCHING_QUICK=1's sizes), run through its own
 * functions: every part runs (three embedders, calibration, HNSW against the exact scan, the
 * lost-and-found search over HTTP across three rescues) and its figures are in range. The figures'
 * values are the full run's business; this checks the bench still measures what it says.
 */
import { describe, expect, it, vi } from 'vitest';
import { thresholdFor } from '../../bench/matching-calibrate.js';
import { runMatchingBench, settingsFrom } from '../../bench/matching.js';

vi.setConfig({ testTimeout: 240_000 });

const unit = (x: number | null) => {
  expect(x).not.toBeNull();
  expect(x!).toBeGreaterThanOrEqual(0);
  expect(x!).toBeLessThanOrEqual(1);
};

describe('bench:matching quick mode', () => {
  it('measures every embedder, the search and the lost-and-found latency, with figures in range', async () => {
    const settings = settingsFrom({ BENCH_MATCHING_QUICK: '1' });
    const r = await runMatchingBench(settings);
    const rows = r.quality[0]!.results;
    expect(r.quality[0]!.set).toBe('generated');
    expect(rows.map((x) => x.name)).toEqual(['descriptor', 'tiny-clip', 'simulator']);
    for (const row of rows) {
      for (const x of [row.recallAt1, row.recallAt5, row.recallAt10, row.mrr]) unit(x);
      expect(row.recallAt1).toBeLessThanOrEqual(row.recallAt5);
      expect(row.recallAt5).toBeLessThanOrEqual(row.recallAt10);
      expect(row.queries).toBe(settings.dogs);
      expect(row.calibration.rule).toMatch(/0\.9.*0\.5/);
    }
    // The descriptor finds the same photo after edits on the quick set too; its thresholds are in use.
    expect(rows[0]!.recallAt1).toBeGreaterThanOrEqual(0.8);
    expect(rows[0]!.calibration.inUse).not.toBeNull();
    expect(rows[2]!.note).toMatch(/protocol check, not a quality figure/i);
    expect(r.throughput.map((t) => [t.name, t.batchSize])).toEqual([['descriptor', 1], ['tiny-clip', settings.batchSize], ['simulator', settings.batchSize]]);
    for (const t of r.throughput) expect(t.imagesPerSecond).toBeGreaterThan(0);
    expect(r.skipped.join()).toMatch(/BENCH_MATCHING_CLIP_DIR is unset/);

    const [figures] = r.search.pglite!;
    expect(figures!.vectors).toBe(300);
    unit(figures!.hnswRecallAt10);
    expect(figures!.exactSelfRecallAt10).toBe(1);
    expect(figures!.hnswMs.p95).toBeGreaterThan(0);
    expect(figures!.exactMs.p95).toBeGreaterThan(0);

    const e2e = r.lostFound;
    expect(e2e.rescues).toBe(3);
    for (const l of [e2e.rootSearchMs, e2e.rescueSearchMs, e2e.inProcessHnswMs, e2e.inProcessExactMs]) {
      expect(l.runs).toBe(settings.e2e.requests);
      expect(l.p50).toBeGreaterThan(0);
      expect(l.p95).toBeGreaterThanOrEqual(l.p50);
    }
    unit(e2e.rightDogFirst);

    expect(r.targets.map((t) => t.verdict)).toEqual(['PASS', 'NOT MEASURED', 'NOT MEASURED', 'NOT MEASURED', 'NOT MEASURED']);
    expect(r.targets[0]!.line).toMatch(/descriptor edit-set recall@1/);
  });
});

describe('threshold calibration', () => {
  it('takes the lowest similarity at which the candidates above it meet the precision, and none when nothing does', () => {
    const scored = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4].map((similarity, i) => ({ similarity, rightDog: [true, true, false, true, false, false, false][i]! }));
    expect(thresholdFor(scored, 0.9)).toBe(0.9);
    // 3 of 6 at 0.5 is still half; 3 of 7 at 0.4 is not.
    expect(thresholdFor(scored, 0.5)).toBe(0.5);
    expect(thresholdFor(scored.map((s) => ({ ...s, rightDog: false })), 0.5)).toBeNull();
  });
});
