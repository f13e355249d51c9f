/**
 * `kona drill restore restic`: pulls the dumps and uploads back from the restic repository into a
 * fresh folder and proves them: `restic check` first (a damaged repository or a wrong password
 * stops the drill before anything is restored), then every dump's files against its sha256
 * manifest (the dump layer's readDumpManifest/checkFiles), then each tenant's newest dump handed to
 * `restoreDump` (restic.dump.ts: the dump drill's restore and proofs, with the uploads taken from the
 * snapshot). The fresh folder is removed whatever the outcome.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { resticCheck, resticRestore, resticSnapshots, type ResticSettings, type ResticSnapshot } from '../backup/restic.js';
import { checkFiles, readDumpManifest } from '../backup/manifest.js';
import { DrillError, type DrillCheck } from './report.js';

/**
 * Restores one tenant's dump folder (dump file and manifest.json, already checked against each
 * other) somewhere fresh and proves it; `restoredBackupDir` is the backup directory as the snapshot
 * holds it (uploads manifests beside the dumps), `uploadsDir` the uploads folder in the snapshot.
 */
export type RestoreDump = (tenantSlug: string, dumpDir: string, restored: { backupDir: string; uploadsDir: string }) => Promise<DrillCheck[]>;

/** What a restic drill needs. */
export interface ResticDrillOptions {
  restic: ResticSettings;
  /** The backup directory as it was when backed up (restic keeps absolute paths). */
  backupDir: string;
  /** The uploads folder as it was when backed up. */
  uploadsDir: string;
  /** A fresh folder is made under here, and removed after. */
  workDir: string;
  /** Snapshot id, or 'latest'. */
  snapshot?: string;
  restoreDump: RestoreDump;
  /** Checks on the restored files before they are restored into a database (e.g. the PII canary is ciphertext). */
  inspect?: (restoredBackupDir: string) => Promise<DrillCheck[]>;
}

function newestStamp(dir: string): string | undefined {
  return readdirSync(dir).filter((s) => /^\d{8}T\d{6}Z$/.test(s)).sort().at(-1);
}

async function checkDumps(restored: { backupDir: string; uploadsDir: string }, restoreDump: RestoreDump): Promise<{ checks: DrillCheck[]; tenants: string[] }> {
  const restoredDumps = path.join(restored.backupDir, 'dumps');
  const tenants = existsSync(restoredDumps) ? readdirSync(restoredDumps).sort() : [];
  const checks: DrillCheck[] = [{ name: 'the snapshot holds dumps', ok: tenants.length > 0, detail: tenants.length ? `tenants: ${tenants.join(', ')}` : 'no dumps in the snapshot' }];
  for (const slug of tenants) {
    const stamp = newestStamp(path.join(restoredDumps, slug));
    if (!stamp) continue;
    const dumpDir = path.join(restoredDumps, slug, stamp);
    const problems = await readDumpManifest(dumpDir).then((m) => checkFiles(dumpDir, m.files), (err: Error) => [err.message]);
    const ok = problems.length === 0;
    checks.push({ name: `${slug} ${stamp}: files match the sha256 manifest`, ok, detail: ok ? 'every file matches' : problems.join('; ') });
    if (ok) checks.push(...(await restoreDump(slug, dumpDir, restored)).map((c) => ({ ...c, name: `${slug}: ${c.name}` })));
  }
  return { checks, tenants };
}

/**
 * `restic check`, then the snapshot (`snapshot` id prefix, or the newest) restored into a fresh folder
 * under `workDir`, which the caller removes; on failure nothing is left. Restic keeps absolute paths:
 * a path P backed up lies at path.join(dir, P).
 */
export async function pullSnapshot(o: { restic: ResticSettings; workDir: string; snapshot?: string }): Promise<{ dir: string; snapshot: ResticSnapshot }> {
  await resticCheck(o.restic).catch((err: Error) => {
    throw new DrillError(err.message, 'KONA_ERR_RESTIC_UNREADABLE');
  });
  const snapshots = await resticSnapshots(o.restic);
  const chosen = o.snapshot && o.snapshot !== 'latest' ? snapshots.find((s) => s.id.startsWith(o.snapshot!)) : snapshots.at(-1);
  if (!chosen) throw new DrillError(o.snapshot && o.snapshot !== 'latest' ? `No restic snapshot ${o.snapshot} in ${o.restic.repository}.` : `The restic repository at ${o.restic.repository} has no snapshot yet.`, 'KONA_ERR_RESTIC_NO_SNAPSHOT');
  mkdirSync(o.workDir, { recursive: true });
  const dir = mkdtempSync(path.join(o.workDir, 'restic-'));
  await resticRestore(o.restic, chosen.id, dir).catch((err: Error) => {
    rmSync(dir, { recursive: true, force: true });
    throw new DrillError(`${err.message} The partial copy was removed.`, 'KONA_ERR_RESTIC_RESTORE_FAILED');
  });
  return { dir, snapshot: chosen };
}

/** Runs the drill; throws a DrillError when the repository cannot be read (wrong password, damage). */
export async function drillRestic(o: ResticDrillOptions): Promise<{ checks: DrillCheck[]; extra: Record<string, unknown> }> {
  const { dir: fresh, snapshot: chosen } = await pullSnapshot(o);
  try {
    const restored = { backupDir: path.join(fresh, path.resolve(o.backupDir)), uploadsDir: path.join(fresh, path.resolve(o.uploadsDir)) };
    const inspected = o.inspect ? await o.inspect(restored.backupDir) : [];
    const { checks, tenants } = await checkDumps(restored, o.restoreDump);
    return { checks: [...inspected, ...checks], extra: { snapshot: chosen.id.slice(0, 8), snapshotTime: chosen.time.toISOString(), tenants } };
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}
