/**
 * Checks restored files against the sha256 manifests layer 2 writes (dumps/<tenant>/<stamp>/manifest.json
 * and uploads/<stamp>.json). Read tolerantly, as `{ files: [{ path, size, sha256 }] }` with paths
 * relative to `baseDir`: the dump layer owns the format, and this reader is to be replaced by its
 * own verifier when the two branches meet.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const manifestSchema = z.object({
  files: z.array(z.object({
    path: z.string().optional(), name: z.string().optional(), size: z.number().optional(), sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })),
});

/** A file's sha256, streamed. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('error', reject).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex')));
  });
}

/** Problems found: a file missing, of the wrong size, or with the wrong hash (empty: all match). */
export async function verifyManifest(manifestFile: string, baseDir: string): Promise<{ files: number; problems: string[] }> {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, 'utf8')));
  if (!parsed.success) return { files: 0, problems: [`${manifestFile} is not a manifest: ${parsed.error.issues[0]?.message}`] };
  const problems: string[] = [];
  for (const entry of parsed.data.files) {
    const rel = entry.path ?? entry.name ?? '';
    const file = path.resolve(baseDir, rel);
    if (!rel || !file.startsWith(path.resolve(baseDir) + path.sep)) problems.push(`${rel || '(no path)'}: path outside the folder`);
    else if (!existsSync(file)) problems.push(`${rel}: missing`);
    else if (entry.size !== undefined && statSync(file).size !== entry.size) problems.push(`${rel}: ${statSync(file).size} bytes, manifest says ${entry.size}`);
    else if ((await sha256File(file)) !== entry.sha256) problems.push(`${rel}: sha256 differs from the manifest`);
  }
  return { files: parsed.data.files.length, problems };
}
