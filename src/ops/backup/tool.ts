/**
 * Runs the external backup tools (pgbackrest, restic, pg_ctl, pg_amcheck) as child processes, with
 * arguments as an array (no shell) and secrets passed only through files named in the environment.
 * A failure becomes a BackupToolError whose message an operator can act on; the environment is never
 * part of it.
 */
import { spawn } from 'node:child_process';

/** A system user to run a tool as (the PostgreSQL server's owner when Kona runs as root). */
export interface RunAs {
  uid: number;
  gid: number;
}

/** How to run one tool. */
export interface ToolOptions {
  /** Extra environment (merged over the process's own). */
  env?: Record<string, string | undefined>;
  runAs?: RunAs;
  cwd?: string;
  /** Kills the tool after this long (default 10 minutes). */
  timeoutMs?: number;
}

/** What a tool printed and how it ended. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A tool that exited non-zero, could not start, or ran too long. */
export class BackupToolError extends Error {
  constructor(message: string, readonly tool: string, readonly result?: ToolResult) {
    super(message);
    this.name = 'BackupToolError';
  }
}

/** Runs `bin args…` and resolves with its output, whatever its exit status (spawn failures reject). */
export function runTool(bin: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.runAs ?? {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new BackupToolError(e.code === 'ENOENT' ? `${bin} is not installed (Debian package: ${packageOf(bin)})` : `${bin} could not start: ${e.message}`, bin));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs a tool and throws a BackupToolError made by `explain` when it exits non-zero. */
export async function runToolOk(bin: string, args: string[], options: ToolOptions, explain: (r: ToolResult) => string): Promise<ToolResult> {
  const result = await runTool(bin, args, options);
  if (result.code !== 0) throw new BackupToolError(explain(result), bin, result);
  return result;
}

/** The last few meaningful lines a tool wrote to stderr, for an error message. */
export function lastLines(text: string, count = 3): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-count).join(' | ');
}

function packageOf(bin: string): string {
  const name = bin.split('/').pop() ?? bin;
  if (name === 'pgbackrest' || name === 'restic') return name;
  return 'postgresql';
}
