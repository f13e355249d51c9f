/**
 * What the rest of Kona (the operator console) may use of the backups: the overview the Backups
 * page reads, what each layer keeps, and the jobs that run a layer. Everything else in src/ops stays behind this face.
 */
export { backupOverview } from './overview.js';
export type { BackupDay, BackupOverview, DrillSummary, LastGoodBackup } from './overview.js';
export type { BackupRun } from './runs.js';
export { layerRetention, type LayerRetention } from './prune.js';

/** The layers a scheduled job may run, each by the job `backup.<layer>` (declared in src/apps/jobs.ts). */
export const jobLayerNames = ['dump', 'snapshot', 'restic'] as const;

/** A layer that can be queued from the console. */
export type JobLayer = (typeof jobLayerNames)[number];

/** The job that runs a layer. */
export function backupJobName(layer: JobLayer): string {
  return `backup.${layer}`;
}

/** Each layer in a line, for the console. */
export const layerSummaries: Record<'dump' | 'snapshot' | 'base' | 'restic', string> = {
  dump: 'Logical dump of each rescue and the control plane, with manifests, and the uploads manifest',
  snapshot: 'Snapshot of the data directory (single box)',
  base: 'WAL archive and base backups by pgBackRest (point-in-time recovery)',
  restic: 'Off-site copy of the dumps and uploads in a restic repository',
};

/** Every layer the console lists, in a full run's order. */
export const consoleLayers = ['base', 'dump', 'snapshot', 'restic'] as const;
