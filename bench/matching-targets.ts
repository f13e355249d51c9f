/**
 * The targets as PASS / FAIL / NOT MEASURED lines, each with the figure it judged and the
 * exact scan it is measured against: the descriptor finds the same photo after edits (recall@1 ≥ 0.95
 * on the generated edit set), and HNSW at 50k vectors keeps recall@10 ≥ 0.95 of the exact scan's
 * answer with p95 ≤ 20 ms, on PGlite and on the server.
 */
import type { SearchFigures } from './matching-search.js';

/** The targets' numbers. */
export const matchingTargets = { descriptorEditRecallAt1: 0.95, hnswRecallAt10: 0.95, hnswP95Ms: 20, atVectors: 50_000 } as const;

/** One judged target. */
export interface TargetLine { target: string; verdict: 'PASS' | 'FAIL' | 'NOT MEASURED'; measured: number | null; line: string }

const verdictOf = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** Judges each target on this run's figures. */
export function targetLines(descriptorRecallAt1: number, search: Record<string, SearchFigures[]>, s: { server: boolean }): TargetLine[] {
  const t = matchingTargets;
  const out: TargetLine[] = [];
  const v = verdictOf(descriptorRecallAt1 >= t.descriptorEditRecallAt1);
  out.push({ target: 'descriptor edit-set recall@1 ≥ 0.95', verdict: v, measured: descriptorRecallAt1, line: `target: descriptor edit-set recall@1 ${descriptorRecallAt1} (≥ ${t.descriptorEditRecallAt1}): ${v}` });
  for (const engine of ['pglite', 'postgres']) {
    const figures = search[engine] ?? [];
    const at = figures.find((f) => f.vectors === t.atVectors);
    const largest = figures.at(-1);
    const how = engine === 'postgres' && !s.server ? 'set BENCH_MATCHING_PG=1 or BENCH_MATCHING_PG_URL' : 'set BENCH_MATCHING_50K=1';
    const seen = largest ? ` (largest measured: ${largest.vectors} vectors, recall@10 ${largest.hnswRecallAt10}, HNSW p95 ${largest.hnswMs.p95} ms vs exact p95 ${largest.exactMs.p95} ms)` : '';
    const recallTarget = `HNSW recall@10 of exact ≥ ${t.hnswRecallAt10} at 50k on ${engine}`;
    const p95Target = `HNSW p95 ≤ ${t.hnswP95Ms} ms at 50k on ${engine}`;
    if (!at) {
      for (const target of [recallTarget, p95Target]) out.push({ target, verdict: 'NOT MEASURED', measured: null, line: `target: ${target}: NOT MEASURED (${how})${seen}` });
      continue;
    }
    const rv = verdictOf(at.hnswRecallAt10 >= t.hnswRecallAt10);
    out.push({ target: recallTarget, verdict: rv, measured: at.hnswRecallAt10, line: `target: ${recallTarget}: ${at.hnswRecallAt10}: ${rv}` });
    const pv = verdictOf(at.hnswMs.p95 <= t.hnswP95Ms);
    out.push({ target: p95Target, verdict: pv, measured: at.hnswMs.p95, line: `target: ${p95Target}: ${at.hnswMs.p95} ms (exact scan p95 ${at.exactMs.p95} ms): ${pv}` });
  }
  return out;
}
