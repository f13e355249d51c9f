/**
 * Layer 3: the off-cluster copy. restic pushes the dumps and the uploads to a repository in another
 * place (KONA_RESTIC_REPOSITORY: a path on another disk, sftp:, s3:, rest:). The repository password
 * comes from a secret file (KONA_RESTIC_PASSWORD_FILE, passed to restic as RESTIC_PASSWORD_FILE), so
 * it is never on a command line, in the repository or in a log. Retention is `restic forget --prune`
 * with daily/weekly/monthly counts; `restic check` verifies.
 */
import { z } from 'zod';
import { BackupToolError, lastLines, runTool, type ToolResult } from './tool.js';

/** Where the restic repository is and how to open it. */
export interface ResticSettings {
  repository: string;
  /** File holding the repository password (a mounted secret). */
  passwordFile: string;
  /** restic's cache (default: restic's own, under the user's home). */
  cacheDir?: string;
  /** Snapshots kept: the newest per day, week and month, this many of each. */
  keep: { daily: number; weekly: number; monthly: number };
  bin?: string;
}

/** One snapshot, as `restic snapshots --json` lists it. */
export interface ResticSnapshot {
  id: string;
  time: Date;
  paths: string[];
  tags: string[];
}

/** A BackupToolError that names what went wrong with the repository. */
export class ResticError extends BackupToolError {
  constructor(message: string, readonly reason: 'password' | 'damaged' | 'missing' | 'other', result?: ToolResult) {
    super(message, 'restic', result);
    this.name = 'ResticError';
  }
}

// Kona sets the repository and the password file; anything in its own environment must not override them.
function resticEnv(s: ResticSettings): Record<string, string | undefined> {
  return {
    RESTIC_REPOSITORY: s.repository, RESTIC_PASSWORD_FILE: s.passwordFile, RESTIC_PASSWORD: undefined, RESTIC_PASSWORD_COMMAND: undefined,
    RESTIC_REPOSITORY_FILE: undefined, ...(s.cacheDir ? { RESTIC_CACHE_DIR: s.cacheDir } : {}),
  };
}

/** Turns restic's stderr into a message an operator can act on (never the password). */
export function explainResticFailure(s: ResticSettings, command: string, r: ToolResult): ResticError {
  const err = r.stderr;
  if (/wrong password or no key found/.test(err)) {
    return new ResticError(`restic ${command}: the password in ${s.passwordFile} (KONA_RESTIC_PASSWORD_FILE) does not open the repository at ${s.repository}.`, 'password', r);
  }
  if (/unexpected file size|repository contains errors|failed to download|ReadFull|ciphertext verification failed|pack .* (is )?(damaged|truncated)/.test(err)) {
    const pack = /pack ([0-9a-f]{64})/.exec(err)?.[1];
    return new ResticError(`restic ${command}: the repository at ${s.repository} is damaged${pack ? ` (pack ${pack.slice(0, 12)}…: ${/unexpected file size[^\n]*/.exec(err)?.[0] ?? 'unreadable'})` : ''}. Nothing was restored from it; run \`restic check\` and \`restic repair\` or restore from another copy.`, 'damaged', r);
  }
  if (/Is there a repository at the following location|repository does not exist|unable to open config file/.test(err)) {
    return new ResticError(`restic ${command}: there is no restic repository at ${s.repository} yet (run \`kona backup run --layer restic\` to create it).`, 'missing', r);
  }
  return new ResticError(`restic ${command} failed (exit ${r.code}): ${lastLines(err || r.stdout)}`, 'other', r);
}

/** Runs `restic <args>` against the repository; throws a ResticError on failure. */
export async function restic(s: ResticSettings, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await runTool(s.bin ?? 'restic', args, { env: resticEnv(s), ...options });
  if (r.code !== 0) throw explainResticFailure(s, args[0] ?? '', r);
  return r.stdout;
}

/** Opens the repository, creating it the first time (a wrong password is an error, never a new repository). */
export async function ensureResticRepository(s: ResticSettings): Promise<'opened' | 'created'> {
  try {
    await restic(s, ['cat', 'config']);
    return 'opened';
  } catch (err) {
    if (!(err instanceof ResticError) || err.reason !== 'missing') throw err;
  }
  await restic(s, ['init']);
  return 'created';
}

const summarySchema = z.object({ message_type: z.literal('summary'), snapshot_id: z.string(), data_added: z.number(), total_bytes_processed: z.number(), total_files_processed: z.number() });

/** Backs up `paths` as one snapshot with `tags`; returns its id and sizes. */
export async function resticBackup(s: ResticSettings, paths: string[], tags: string[]): Promise<{ snapshotId: string; bytesAdded: number; bytesProcessed: number; files: number }> {
  if (paths.length === 0) throw new ResticError('restic backup: nothing to back up (no dumps or uploads yet)', 'other');
  const out = await restic(s, ['backup', '--json', '--host', 'kona', ...tags.flatMap((t) => ['--tag', t]), ...paths]);
  const line = out.trim().split('\n').reverse().map((l) => summarySchema.safeParse(JSON.parse(l))).find((p) => p.success);
  if (!line?.data) throw new ResticError('restic backup finished without a summary', 'other');
  return { snapshotId: line.data.snapshot_id, bytesAdded: line.data.data_added, bytesProcessed: line.data.total_bytes_processed, files: line.data.total_files_processed };
}

const snapshotsSchema = z.array(z.object({ id: z.string(), time: z.string(), paths: z.array(z.string()), tags: z.array(z.string()).nullish() }));

/** Every snapshot, oldest first. */
export async function resticSnapshots(s: ResticSettings): Promise<ResticSnapshot[]> {
  const list = snapshotsSchema.parse(JSON.parse(await restic(s, ['snapshots', '--json'])));
  return list.map((x) => ({ id: x.id, time: new Date(x.time), paths: x.paths, tags: x.tags ?? [] })).sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Applies the retention (keep daily/weekly/monthly) and prunes unreferenced data. */
export async function resticForget(s: ResticSettings): Promise<void> {
  await restic(s, ['forget', '--host', 'kona', '--keep-daily', String(s.keep.daily), '--keep-weekly', String(s.keep.weekly), '--keep-monthly', String(s.keep.monthly), '--prune']);
}

/** `restic check` (structure and pack sizes; with readData, every pack's content too). What `kona backup verify` calls. */
export async function resticCheck(s: ResticSettings, options: { readData?: boolean } = {}): Promise<void> {
  await restic(s, ['check', ...(options.readData ? ['--read-data'] : [])]);
}

/** Restores snapshot `id` ('latest' for the newest) into `target`, an empty directory. */
export async function resticRestore(s: ResticSettings, id: string, target: string): Promise<void> {
  await restic(s, ['restore', id, '--target', target]);
}
