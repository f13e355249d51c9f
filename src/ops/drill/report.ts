/**
 * What every restore drill leaves behind: a JSON report under the backup directory's drills/
 * (verdict, RTO, the checks it made) and a row in backup_runs (layer 'drill', kind = the drill),
 * so the console and the age alerts see drills like backups.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock/clock.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { backupStamp, type BackupLayout } from '../backup/layout.js';
import { finishBackupRun, startBackupRun } from '../backup/runs.js';

/** One thing a drill proved, or failed to. */
export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A drill's report, as written to drills/<stamp>-<kind>.json. */
export interface DrillReport {
  kind: string;
  verdict: 'pass' | 'fail';
  startedAt: string;
  /** Seconds from the start of the restore to a verified, usable copy. */
  rtoSeconds: number;
  checks: DrillCheck[];
  /** Why it failed, when it did. */
  error?: string;
  [extra: string]: unknown;
}

/** A drill that could not be carried out: bad input or a fault, with a message for the operator. */
export class DrillError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'DrillError';
  }
}

/**
 * Runs `drill`, timing it on `clock`, and records the outcome: the JSON report and a backup_runs
 * row. A drill that throws is recorded as failed with its message and the error is re-thrown.
 */
export async function recordDrill(
  deps: { control: Kysely<ControlSchema>; layout: BackupLayout; clock: Clock },
  kind: string,
  drill: () => Promise<{ checks: DrillCheck[]; extra?: Record<string, unknown> }>,
): Promise<{ report: DrillReport; file: string }> {
  const started = new Date(deps.clock.now());
  const runId = await startBackupRun(deps.control, { layer: 'drill', kind, startedAt: started });
  const file = path.join(deps.layout.drills, `${backupStamp(started)}-${kind}.json`);
  let report: DrillReport;
  let thrown: unknown;
  try {
    const { checks, extra } = await drill();
    const ok = checks.every((c) => c.ok);
    report = { kind, verdict: ok ? 'pass' : 'fail', startedAt: started.toISOString(), rtoSeconds: (deps.clock.now() - started.getTime()) / 1000, checks, ...extra };
    if (!ok) report.error = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ');
  } catch (err) {
    thrown = err;
    report = { kind, verdict: 'fail', startedAt: started.toISOString(), rtoSeconds: (deps.clock.now() - started.getTime()) / 1000, checks: [], error: (err as Error).message };
  }
  mkdirSync(deps.layout.drills, { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  await finishBackupRun(deps.control, runId, {
    status: report.verdict === 'pass' ? 'ok' : 'failed', finishedAt: new Date(deps.clock.now()), location: path.relative(deps.layout.root, file),
    error: report.error ?? null, details: { rtoSeconds: report.rtoSeconds, verdict: report.verdict },
  });
  if (thrown) throw thrown;
  return { report, file };
}
