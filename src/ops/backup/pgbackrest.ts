/**
 * Layer 1 on the server shape: pgBackRest keeps the WAL archive and the base backups, in two
 * repositories (repo1 under the backup directory, repo2 on another disk or host). Kona writes the
 * configuration, tells the operator the archive_command, and runs stanza-create, check, backup,
 * info, expire and restore. It never archives WAL itself: PostgreSQL's archiver calls
 * `pgbackrest archive-push`, which writes to every configured repository.
 *
 * pgBackRest reads the data directory and talks to the server over its Unix socket, so these
 * commands run on the database host as the server's owner (RunAs when Kona itself is root).
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BackupToolError, lastLines, runToolOk, type RunAs } from './tool.js';

/** Where and how pgBackRest backs up one PostgreSQL server (one stanza). */
export interface PgBackRestSettings {
  /** Stanza name: one per PostgreSQL server. */
  stanza: string;
  /** The configuration file Kona writes and passes with --config. */
  configFile: string;
  /** The server's data directory (pg1-path). */
  pgPath: string;
  pgPort: number;
  /** Directory of the server's Unix socket (pg1-socket-path). */
  pgSocketPath: string;
  /** Database user pgBackRest connects as (pg1-user). */
  pgUser: string;
  repo1Path: string;
  /** Second, independent repository (another disk or host, mounted); unset: repo1 only. */
  repo2Path?: string;
  /** Full backups kept per repository (repoN-retention-full); WAL older than the oldest is expired. */
  retentionFull: number;
  /** Differential backups kept per repository (repoN-retention-diff). */
  retentionDiff?: number;
  /** Lock, log and spool directories go under here. */
  workDir: string;
  runAs?: RunAs;
  /** The pgbackrest binary (default from PATH). */
  bin?: string;
}

/** A base backup type. */
export type BaseBackupType = 'full' | 'diff' | 'incr';

function checkValue(name: string, value: string): string {
  if (/[\n\r]/.test(value)) throw new BackupToolError(`pgBackRest setting ${name} must be one line`, 'pgbackrest');
  return value;
}

/** The pgbackrest.conf text for these settings. */
export function pgBackRestConfig(s: PgBackRestSettings): string {
  if (!/^[A-Za-z0-9_-]+$/.test(s.stanza)) throw new BackupToolError(`The stanza name "${s.stanza}" may hold only letters, digits, _ and -`, 'pgbackrest');
  const repos = [s.repo1Path, ...(s.repo2Path ? [s.repo2Path] : [])];
  const lines = ['[global]'];
  repos.forEach((repo, i) => {
    lines.push(`repo${i + 1}-path=${checkValue('repo path', repo)}`, `repo${i + 1}-retention-full=${s.retentionFull}`);
    if (s.retentionDiff) lines.push(`repo${i + 1}-retention-diff=${s.retentionDiff}`);
  });
  lines.push(
    `lock-path=${checkValue('work dir', path.join(s.workDir, 'lock'))}`,
    `log-path=${path.join(s.workDir, 'log')}`,
    `spool-path=${path.join(s.workDir, 'spool')}`,
    'log-level-console=warn',
    'log-level-stderr=error',
    'log-level-file=info',
    // Checkpoint at once when a backup starts: backups are run by jobs, not at quiet hours.
    'start-fast=y',
    '',
    `[${s.stanza}]`,
    `pg1-path=${checkValue('pg path', s.pgPath)}`,
    `pg1-port=${s.pgPort}`,
    `pg1-socket-path=${checkValue('socket path', s.pgSocketPath)}`,
    `pg1-user=${checkValue('pg user', s.pgUser)}`,
    '',
  );
  return lines.join('\n');
}

/** Writes the configuration file (and the work directories) for these settings. */
export function writePgBackRestConfig(s: PgBackRestSettings): void {
  const dirs = [path.dirname(s.configFile), s.workDir, s.repo1Path, ...(s.repo2Path ? [s.repo2Path] : [])];
  for (const dir of dirs) mkdirSync(dir, { recursive: true, mode: 0o750 });
  writeFileSync(s.configFile, pgBackRestConfig(s), { mode: 0o640 });
  // pgBackRest runs as the server's owner (archive-push under the server): it must read and write these.
  if (s.runAs) for (const p of [...dirs, s.configFile]) chownSync(p, s.runAs.uid, s.runAs.gid);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The archive_command the operator sets on the server (with archive_mode = on, wal_level >= replica). */
export function archiveCommand(s: PgBackRestSettings): string {
  return `${shellQuote(s.bin ?? 'pgbackrest')} ${shellQuote(`--config=${s.configFile}`)} --stanza=${s.stanza} archive-push %p`;
}

/** Runs one pgbackrest command for the stanza; a failure says which command and why. */
export async function pgbackrest(s: PgBackRestSettings, command: string, args: string[] = []): Promise<string> {
  const result = await runToolOk(
    s.bin ?? 'pgbackrest',
    [`--config=${s.configFile}`, `--stanza=${s.stanza}`, ...args, command],
    { runAs: s.runAs, cwd: s.workDir },
    (r) => `pgbackrest ${command} failed (exit ${r.code}): ${lastLines(r.stderr || r.stdout)}`,
  );
  return result.stdout;
}

/** Creates the stanza in every repository (safe to repeat). */
export async function stanzaCreate(s: PgBackRestSettings): Promise<void> {
  await pgbackrest(s, 'stanza-create');
}

/** Checks the configuration end to end: it switches WAL and waits until the segment reaches each repository. */
export async function checkArchive(s: PgBackRestSettings): Promise<void> {
  await pgbackrest(s, 'check');
}

/** Takes a base backup into each repository in turn (repo1, then repo2). */
export async function baseBackup(s: PgBackRestSettings, type: BaseBackupType): Promise<void> {
  const repos = s.repo2Path ? [1, 2] : [1];
  for (const repo of repos) await pgbackrest(s, 'backup', [`--type=${type}`, `--repo=${repo}`]);
}

/** Removes backups and WAL past each repository's retention. */
export async function expireBackups(s: PgBackRestSettings): Promise<void> {
  await pgbackrest(s, 'expire');
}

/** A time as PostgreSQL's recovery_target_time and pgBackRest's backup-set selection both read it. */
export function pgTimestamp(at: Date): string {
  return `${at.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}

/**
 * Restores into `pgPath` (an empty directory) to recover up to `target`, then promote. Archiving is
 * switched off in the copy, so a drill never pushes its new timeline into the repositories.
 */
export async function restoreToTime(s: PgBackRestSettings, options: { pgPath: string; target: Date; repo?: number }): Promise<void> {
  await pgbackrest(s, 'restore', [
    '--type=time', `--target=${pgTimestamp(options.target)}`, '--target-action=promote', `--pg1-path=${options.pgPath}`, '--archive-mode=off',
    ...(options.repo ? [`--repo=${options.repo}`] : []),
  ]);
}
