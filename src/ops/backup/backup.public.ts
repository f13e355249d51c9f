/**
 * What the rest of Kona (the operator console) may use of the backups: the overview the Backups
 * page reads, and the jobs that run a layer. Everything else in src/ops stays behind this face.
 */
export { backupOverview } from './overview.js';
export type { BackupDay, BackupOverview, DrillSummary, LastGoodBackup } from './overview.js';
export type { BackupRun } from './runs.js';

/** The layers the job system runs, with their job names (declared in src/apps/jobs.ts). */
export const backupJobs = { dump: 'backup.dump', snapshot: 'backup.snapshot' } as const;

/** A layer that can be queued from the console. */
export type JobLayer = keyof typeof backupJobs;

/** Each layer in a line, for the console. */
export const layerSummaries: Record<'dump' | 'snapshot' | 'base' | 'restic', string> = {
  dump: 'Logical dump of each rescue and the control plane, with manifests, and the uploads manifest',
  snapshot: 'Snapshot of the data directory (single box)',
  base: 'WAL archive and base backups by pgBackRest (point-in-time recovery)',
  restic: 'Off-site copy of the dumps and uploads in a restic repository',
};

/** The layers run on the database server's host (pgBackRest and restic), not by the job system. */
export const hostLayers = ['base', 'restic'] as const;
