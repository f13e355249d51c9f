/**
 * `kona backup verify`: every check that backups are still what was written. Each verifier
 * returns what it checked and the problems it found, or null when its layer is not set up here
 * (restic without KONA_RESTIC_REPOSITORY).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupLayout } from './layout.js';
import { verifyResticCopy } from './archive.layers.js';
import { checkFiles, readDumpManifest, uploadsManifestSchema } from './manifest.js';
import type { ResticSettings } from './restic.js';

/** What one verifier checked and found wrong (empty problems: all good). */
export interface VerifyResult {
  checked: number;
  problems: string[];
}

/** What the verifiers may look at besides the backup directory. */
export interface VerifyOptions {
  /** The restic repository (absent: not configured, so not checked). */
  restic?: ResticSettings;
  /** restic: read and verify every pack too (`restic check --read-data`). */
  readData?: boolean;
}

/** Verifiers by name, run in this order; null: nothing of that layer to verify here. */
export const backupVerifiers: Record<string, (layout: BackupLayout, options: VerifyOptions) => Promise<VerifyResult | null>> = {
  dumps: verifyDumps,
  uploads: verifyUploadManifests,
  restic: verifyRestic,
};

/** Runs every verifier; resolves with each one's result (leaving out those with nothing to verify). */
export async function verifyBackups(layout: BackupLayout, options: VerifyOptions = {}): Promise<Record<string, VerifyResult>> {
  const out: Record<string, VerifyResult> = {};
  for (const [name, verify] of Object.entries(backupVerifiers)) {
    const result = await verify(layout, options);
    if (result) out[name] = result;
  }
  return out;
}

/** `restic check` (with readData, `--read-data`) of the off-site repository, when one is configured. */
export async function verifyRestic(_layout: BackupLayout, options: VerifyOptions): Promise<VerifyResult | null> {
  if (!options.restic) return null;
  const r = await verifyResticCopy(options.restic, { readData: options.readData });
  return { checked: 1, problems: r.ok ? [] : [r.message] };
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.endsWith('.partial')).map((e) => path.join(dir, e.name)).sort();
}

/** Re-hashes every file of every dump folder (each rescue's and the control plane's) against its manifest. */
export async function verifyDumps(layout: BackupLayout): Promise<VerifyResult> {
  const folders = [...(await subdirs(layout.controlDumps))];
  for (const tenant of await subdirs(layout.dumps)) folders.push(...(await subdirs(tenant)));
  const result: VerifyResult = { checked: 0, problems: [] };
  for (const folder of folders) {
    result.checked++;
    try {
      result.problems.push(...(await checkFiles(folder, (await readDumpManifest(folder)).files)));
    } catch (err) {
      result.problems.push((err as Error).message);
    }
  }
  return result;
}

/**
 * Re-hashes the uploads each manifest lists. A changed file is always a problem; a missing one only
 * in the newest manifest (a photo deleted since an older manifest is not damage).
 */
export async function verifyUploadManifests(layout: BackupLayout): Promise<VerifyResult> {
  const names = (await readdir(layout.uploadManifests).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort().reverse();
  const result: VerifyResult = { checked: 0, problems: [] };
  for (const [i, name] of names.entries()) {
    result.checked++;
    const file = path.join(layout.uploadManifests, name);
    const parsed = uploadsManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8').catch(() => 'null')));
    if (!parsed.success) {
      result.problems.push(`${file} is not a valid uploads manifest`);
      continue;
    }
    const problems = await checkFiles(parsed.data.root, parsed.data.files);
    result.problems.push(...(i === 0 ? problems : problems.filter((p) => !p.endsWith(': missing'))));
  }
  return result;
}
