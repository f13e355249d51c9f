/**
 * `kona drill report`'s text: the past HA drill runs newest first, one line each, and for one run
 * the paths of its JSON and HTML (rendering the HTML from the JSON when a drill left only that).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { renderDrillReport } from './render.js';
import { listRuns, loadRun, runFiles, saveRun, type RunSummary } from './store.js';
import type { DrillRun } from '../run.js';

function cell(v: number | null, digits: number): string {
  return v === null ? '—' : v.toFixed(digits);
}

/** The listing of every run in `dir` as lines of text (a note when there are none, and for unreadable files). */
export function runListing(dir: string): string[] {
  const { runs, unreadable } = listRuns(dir);
  const lines: string[] = [];
  if (runs.length === 0) lines.push(`No HA drill runs in ${dir} yet (kona drill run <name> makes one).`);
  else {
    const rows: string[][] = [['id', 'drill', 'when', 'verdict', 'write unavail. (s)', 'lost', 'p99 (ms)'], ...runs.map((r: RunSummary) => [
      r.id, r.drill, r.startedAt, r.verdict.toUpperCase(), cell(r.writeUnavailableSeconds, 2), String(r.lost), cell(r.p99Ms, 0),
    ])];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    lines.push(...rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()));
  }
  for (const name of unreadable) lines.push(`(not a drill run, skipped: ${name})`);
  return lines;
}

/** The paths of run `id`'s JSON and HTML; the HTML is rendered from the JSON when it is missing. */
export function runReportFiles(dir: string, id: string): { json: string; html: string } {
  const run = loadRun(dir, id);
  const files = runFiles(dir, id);
  if (!existsSync(files.html)) writeFileSync(files.html, renderDrillReport(run));
  return files;
}

/** What a drill calls at its end: the run's JSON and its HTML report written into `dir`. */
export function writeDrillReport(dir: string, run: DrillRun): { json: string; html: string } {
  return saveRun(dir, run, renderDrillReport(run));
}
