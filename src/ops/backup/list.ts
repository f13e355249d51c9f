/**
 * `kona backup list`: the keep rules in force, every backup on disk with the rule that keeps it
 * (none: the next prune removes it), and the recent runs from backup_runs, failures with their reason.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { BackupContext } from './context.js';
import { judgeFolder, keepRulesFor } from './prune.js';
import { formatKeepRules } from './retention.js';
import { listBackupRuns, type BackupRun } from './runs.js';

/** One backup on disk, as listed. */
export interface ListedBackup {
  layer: 'dump' | 'snapshot';
  what: string;
  path: string;
  at: string;
  keptBy: string[];
}

/** What `kona backup list` prints. */
export interface BackupListing {
  keep: Record<'dump' | 'snapshot', string>;
  backups: ListedBackup[];
  runs: BackupRun[];
}

/** Reads the listing (backup directory and backup_runs). */
export async function listBackups(ctx: Pick<BackupContext, 'config' | 'control' | 'layout'>, options: { tenantSlug?: string; runs?: number } = {}): Promise<BackupListing> {
  const dumpRules = keepRulesFor(ctx.config.settings, 'dump');
  const snapshotRules = keepRulesFor(ctx.config.settings, 'snapshot');
  const folders: { layer: 'dump' | 'snapshot'; what: string; dir: string }[] = [];
  const slugs = options.tenantSlug ? [options.tenantSlug] : (await readdir(ctx.layout.dumps).catch(() => [] as string[])).sort();
  for (const slug of slugs) folders.push({ layer: 'dump', what: `rescue ${slug}`, dir: ctx.layout.tenantDumps(slug) });
  if (!options.tenantSlug) {
    folders.push({ layer: 'dump', what: 'control plane', dir: ctx.layout.controlDumps });
    folders.push({ layer: 'dump', what: 'uploads manifest', dir: ctx.layout.uploadManifests });
    folders.push({ layer: 'snapshot', what: 'data directory', dir: ctx.layout.snapshots });
  }
  const backups: ListedBackup[] = [];
  for (const f of folders) {
    for (const e of await judgeFolder(f.dir, f.layer === 'dump' ? dumpRules : snapshotRules)) {
      backups.push({ layer: f.layer, what: f.what, path: path.relative(ctx.layout.root, e.path), at: e.at.toISOString(), keptBy: e.keptBy });
    }
  }
  const runs = await listBackupRuns(ctx.control.kysely, { tenantSlug: options.tenantSlug, limit: options.runs ?? 20 });
  return { keep: { dump: formatKeepRules(dumpRules), snapshot: formatKeepRules(snapshotRules) }, backups, runs };
}
