/**
 * manifest.json of a dump folder: every file with its size and sha256, and the figures
 * (table-stats.ts) read in the same snapshot as the dump, so `kona backup verify` can re-hash and a
 * drill can compare. Upload manifests list the uploads folder the same way (path, size, sha256).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** One file: its path relative to the manifest's folder, size in bytes and sha256 (hex). */
export const manifestFileSchema = z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
/** One listed file. */
export type ManifestFile = z.infer<typeof manifestFileSchema>;

/** A dump folder's manifest.json. */
export const dumpManifestSchema = z.object({
  format: z.literal(1),
  kind: z.enum(['tenant', 'control']),
  /** The rescue's slug; null for the control plane. */
  tenant: z.string().nullable(),
  /** 'embedded': a PGlite SQL dump (dump.sql); 'postgres': pg_dump -Fc (dump.pgdump). */
  engine: z.enum(['embedded', 'postgres']),
  createdAt: z.string(),
  serverVersion: z.string(),
  files: z.array(manifestFileSchema),
  tables: z.record(z.string(), z.object({ rows: z.number().int().nonnegative(), checksum: z.string() })),
  sequences: z.record(z.string(), z.string().nullable()),
});
/** A parsed dump manifest. */
export type DumpManifest = z.infer<typeof dumpManifestSchema>;

/** An uploads manifest (uploads/<stamp>.json): every stored file of every rescue. */
export const uploadsManifestSchema = z.object({ format: z.literal(1), createdAt: z.string(), root: z.string(), files: z.array(manifestFileSchema) });
/** A parsed uploads manifest. */
export type UploadsManifest = z.infer<typeof uploadsManifestSchema>;

/** sha256 and size of one file, streamed. */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Every regular file under `root` (relative paths, sorted), skipping names `skip` rejects. */
export async function listFiles(root: string, skip: (rel: string) => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const rel = path.relative(root, full);
      if (skip(rel)) continue;
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(rel);
    }
  };
  await walk(root);
  return out.sort();
}

/** Lists and hashes the given files under `root`. */
export async function describeFiles(root: string, rels: string[]): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const rel of rels) out.push({ path: rel, ...(await hashFile(path.join(root, rel))) });
  return out;
}

/** Re-hashes listed files; returns what is missing or differs, in words (empty: all match). */
export async function checkFiles(root: string, files: ManifestFile[]): Promise<string[]> {
  const problems: string[] = [];
  for (const f of files) {
    const full = path.join(root, f.path);
    if (!(await stat(full).catch(() => null))) {
      problems.push(`${full}: missing`);
      continue;
    }
    const got = await hashFile(full);
    if (got.size !== f.size) problems.push(`${full}: ${got.size} bytes, the manifest says ${f.size}`);
    else if (got.sha256 !== f.sha256) problems.push(`${full}: sha256 mismatch (corrupted or changed since the backup)`);
  }
  return problems;
}

/** Reads and validates a dump folder's manifest.json, with a message that names the folder. */
export async function readDumpManifest(dumpDir: string): Promise<DumpManifest> {
  const file = path.join(dumpDir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${dumpDir} is not a dump folder: it has no manifest.json`);
  }
  const parsed = dumpManifestSchema.safeParse(safeJson(text));
  if (!parsed.success) throw new Error(`${file} is not a valid dump manifest (${parsed.error.issues[0]?.message ?? 'unreadable'})`);
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
