/**
 * Where each backup layer writes under the backup directory (Config.backupDir). One layout, so the
 * layers, the drills, `kona backup list` and the restic copy agree on paths:
 *
 *   dumps/<tenant>/<stamp>/        one tenant's logical dump: the dump file(s) and manifest.json
 *   control/<stamp>/               the control plane's dump (tenant registry), same shape
 *   uploads/<stamp>.json           manifest of the uploads folder (path, size, sha256 per file)
 *   snapshots/<stamp>/             a consistent copy (or a pointer to a filesystem snapshot) of the data directory
 *   pgbackrest/repo1/              pgBackRest's first repository (repo2 lives elsewhere: its own setting)
 *   drills/<stamp>-<kind>.json     each restore drill's report (verdict, RTO)
 *   locks/backup.lock              held while a backup runs, so two runs never overlap
 *
 * A stamp is the run's start in UTC, `YYYYMMDDTHHMMSSZ`, so names sort by time.
 */
import path from 'node:path';

/** The run's start as a sortable UTC stamp, e.g. 20261207T160501Z. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The time a stamp stands for, or null when the name is not a stamp. */
export function stampTime(stamp: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return null;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Paths of every layer under one backup directory. */
export function backupLayout(backupDir: string) {
  return {
    root: backupDir,
    dumps: path.join(backupDir, 'dumps'),
    tenantDumps: (slug: string) => path.join(backupDir, 'dumps', slug),
    tenantDump: (slug: string, stamp: string) => path.join(backupDir, 'dumps', slug, stamp),
    controlDumps: path.join(backupDir, 'control'),
    uploadManifests: path.join(backupDir, 'uploads'),
    snapshots: path.join(backupDir, 'snapshots'),
    pgbackrestRepo1: path.join(backupDir, 'pgbackrest', 'repo1'),
    drills: path.join(backupDir, 'drills'),
    lockFile: path.join(backupDir, 'locks', 'backup.lock'),
  };
}

/** The layout's type, for functions that take it. */
export type BackupLayout = ReturnType<typeof backupLayout>;
