/**
 * Applies the keep rules (retention.ts) to what a layer keeps on disk: after each run, every
 * rescue's dump folders, the control plane's, the uploads manifests and the snapshots are pruned
 * by their stamps. Only names that are stamps are touched; `.partial` leftovers of a failed run go too.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../platform/config/config.schema.js';
import { stampTime } from './layout.js';
import { formatKeepRules, keptBackups, parseKeepRules, type KeepRules } from './retention.js';

/** The keep rules of a layer: its own setting when set, else KONA_BACKUP_KEEP. */
export function keepRulesFor(settings: Settings, layer: 'dump' | 'snapshot'): KeepRules {
  const own = layer === 'dump' ? settings.KONA_BACKUP_KEEP_DUMP : settings.KONA_BACKUP_KEEP_SNAPSHOT;
  return parseKeepRules(own ?? settings.KONA_BACKUP_KEEP);
}

/** What one layer keeps, in words, and the settings that say so. */
export interface LayerRetention {
  keeps: string;
  settings: string;
}

/**
 * What each layer keeps, from the settings: the keep rules Kona applies to dumps and snapshots,
 * the policy `restic forget` is run with, and the retention written into pgBackRest's configuration.
 */
export function layerRetention(settings: Settings): Record<'dump' | 'snapshot' | 'restic' | 'base', LayerRetention> {
  const restic = formatKeepRules({ daily: settings.KONA_RESTIC_KEEP_DAILY, weekly: settings.KONA_RESTIC_KEEP_WEEKLY, monthly: settings.KONA_RESTIC_KEEP_MONTHLY });
  const diff = settings.KONA_PGBACKREST_RETENTION_DIFF;
  return {
    dump: { keeps: formatKeepRules(keepRulesFor(settings, 'dump')), settings: settings.KONA_BACKUP_KEEP_DUMP ? 'KONA_BACKUP_KEEP_DUMP' : 'KONA_BACKUP_KEEP' },
    snapshot: { keeps: formatKeepRules(keepRulesFor(settings, 'snapshot')), settings: settings.KONA_BACKUP_KEEP_SNAPSHOT ? 'KONA_BACKUP_KEEP_SNAPSHOT' : 'KONA_BACKUP_KEEP' },
    restic: { keeps: `${restic || 'the newest snapshot only'} (restic forget)`, settings: 'KONA_RESTIC_KEEP_DAILY, _WEEKLY, _MONTHLY' },
    base: {
      keeps: `${settings.KONA_PGBACKREST_RETENTION_FULL} full${diff ? ` and ${diff} differential` : ''} base backups per repository, and the WAL to restore them (pgBackRest)`,
      settings: 'KONA_PGBACKREST_RETENTION_FULL, _DIFF',
    },
  };
}

/** One backup on disk: its path, time and why the rules keep it (empty: it is pruned next). */
export interface KeptEntry {
  path: string;
  at: Date;
  keptBy: string[];
}

/** Backups in `dir` named by stamp (folders, or `<stamp>.json` files), with what keeps each. */
export async function judgeFolder(dir: string, rules: KeepRules): Promise<KeptEntry[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const entries = names.flatMap((name) => {
    const at = stampTime(name.replace(/\.json$/, ''));
    return at ? [{ path: path.join(dir, name), at }] : [];
  });
  const kept = keptBackups(entries.map((e) => e.at), rules);
  return entries.map((e) => ({ ...e, keptBy: kept.get(e.at.getTime()) ?? [] })).sort((a, b) => b.at.getTime() - a.at.getTime());
}

function removePath(p: string): Promise<void> {
  return rm(p, { recursive: true, force: true });
}

/** Deletes the backups in `dir` the rules do not keep, and leftovers of failed runs; returns what went. */
export async function pruneFolder(dir: string, rules: KeepRules, remove: (path: string) => Promise<void> = removePath): Promise<string[]> {
  const removed: string[] = [];
  for (const e of await judgeFolder(dir, rules)) {
    if (e.keptBy.length > 0) continue;
    await remove(e.path);
    removed.push(e.path);
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.partial'))) {
    await rm(path.join(dir, name), { recursive: true, force: true });
    removed.push(path.join(dir, name));
  }
  return removed;
}
