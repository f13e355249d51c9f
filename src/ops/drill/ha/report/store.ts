/**
 * Where HA drill runs are kept and how they are found: `<data dir>/drills/ha/<id>.json` beside its
 * `<id>.html` report (as the backup drills keep theirs under `<backup dir>/drills`). A file that is
 * not a run is listed as unreadable rather than hiding the others.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DrillRun } from '../run.js';

/** The HA drills' directory under a data directory. */
export function haDrillsDir(dataDir: string): string {
  return path.join(dataDir, 'drills', 'ha');
}

/** One line of `kona drill report`. */
export interface RunSummary {
  id: string;
  drill: string;
  startedAt: string;
  verdict: 'pass' | 'fail';
  writeUnavailableSeconds: number | null;
  lost: number;
  p99Ms: number | null;
}

// Only what the listing reads is checked; the rest of the run is the renderer's.
const summarySchema = z.object({
  id: z.string(), drill: z.string(), startedAt: z.string().datetime({ offset: true }),
  check: z.object({ verdict: z.enum(['pass', 'fail']), lost: z.array(z.string()) }),
  figures: z.object({ writeUnavailableSeconds: z.number().nullable(), p99MsDuringDrill: z.number().nullable() }),
});

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A run id as a file name: letters, digits, dot, dash and underscore only (never a path). */
export function checkRunId(id: string): string {
  if (!ID.test(id) || id.includes('..')) throw new Error(`"${id}" is not a drill run id (letters, digits, ".", "-" and "_" only).`);
  return id;
}

/** The paths of run `id`'s JSON and HTML in `dir`. */
export function runFiles(dir: string, id: string): { json: string; html: string } {
  checkRunId(id);
  return { json: path.join(dir, `${id}.json`), html: path.join(dir, `${id}.html`) };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes run `run` as JSON and its report `html` into `dir`; returns both paths. */
export function saveRun(dir: string, run: DrillRun, html: string): { json: string; html: string } {
  const files = runFiles(dir, run.id);
  mkdirSync(dir, { recursive: true });
  writeAtomically(files.json, `${JSON.stringify(run, null, 2)}\n`);
  writeAtomically(files.html, html);
  return files;
}

/** Reads run `id` from `dir`; a clear error when there is none. */
export function loadRun(dir: string, id: string): DrillRun {
  const { json } = runFiles(dir, id);
  if (!existsSync(json)) throw new Error(`No drill run "${id}" in ${dir} (kona drill report lists them).`);
  return JSON.parse(readFileSync(json, 'utf8')) as DrillRun;
}

/** Every run in `dir`, newest first; files that are not runs come back in `unreadable`. */
export function listRuns(dir: string): { runs: RunSummary[]; unreadable: string[] } {
  if (!existsSync(dir)) return { runs: [], unreadable: [] };
  const runs: RunSummary[] = [];
  const unreadable: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const r = summarySchema.parse(JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
      runs.push({ id: r.id, drill: r.drill, startedAt: r.startedAt, verdict: r.check.verdict, writeUnavailableSeconds: r.figures.writeUnavailableSeconds, lost: r.check.lost.length, p99Ms: r.figures.p99MsDuringDrill });
    } catch {
      unreadable.push(name);
    }
  }
  runs.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id.localeCompare(a.id));
  return { runs, unreadable };
}
