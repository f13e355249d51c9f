/**
 * The uploads manifest (uploads/<stamp>.json): every stored file of the rescues backed up, with
 * size and sha256. Uploads are content-addressed and never rewritten, so the manifest is what the
 * restic copy and the drills check the files against; the files themselves are not copied here.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeFiles, listFiles, type UploadsManifest } from './manifest.js';

// A store's .tmp folder holds uploads in progress (swept hourly), not a rescue's data.
const inProgress = /(^|\/)\.tmp(\/|$)/;

/** Lists and hashes the uploads of `slugs` under `uploadsDir` into `file`; returns the manifest and its size. */
export async function writeUploadsManifest(uploadsDir: string, slugs: string[], file: string, at: Date): Promise<{ manifest: UploadsManifest; bytes: number }> {
  const rels: string[] = [];
  for (const slug of slugs) rels.push(...(await listFiles(path.join(uploadsDir, slug), (rel) => inProgress.test(rel))).map((r) => path.join(slug, r)));
  const manifest: UploadsManifest = { format: 1, createdAt: at.toISOString(), root: uploadsDir, files: await describeFiles(uploadsDir, rels) };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(`${file}.partial`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 }).catch(async (err: unknown) => {
    await rm(`${file}.partial`, { force: true });
    throw err;
  });
  await rename(`${file}.partial`, file);
  return { manifest, bytes: manifest.files.reduce((n, f) => n + f.size, 0) };
}
