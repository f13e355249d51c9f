import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../test/harness/app.js';
import { packageRoot } from '../platform/runtime/paths.js';

// The real `kona` binary: the messages and exit codes an operator gets from the backup commands.
const cliJs = path.join(packageRoot(), 'dist/src/apps/cli.js');

function kona(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliJs, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('kona backup and drill commands (layers base and restic)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kona-archive-cli-'));
    mkdirSync(path.join(dir, 'data'));
    // The backups in this test's own folder (the paths below are checked against it).
    env = testEnv(path.join(dir, 'data'), { KONA_BACKUP_DIR: path.join(dir, 'backups') }) as Record<string, string>;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the archive_command and writes pgbackrest.conf with both repositories', async () => {
    const ran = await kona({ ...env, KONA_PGBACKREST_PG_PATH: '/var/lib/postgresql/15/main', KONA_PGBACKREST_REPO2: path.join(dir, 'offbox') }, 'backup', 'archive-command');
    expect(ran.stderr).toBe('');
    const out = JSON.parse(ran.stdout) as { configFile: string; settings: Record<string, string> };
    expect(out.settings).toMatchObject({ archive_mode: 'on', wal_level: 'replica' });
    expect(out.settings.archive_command).toBe(`pgbackrest --config=${out.configFile} --stanza=kona archive-push %p`);
    const conf = readFileSync(out.configFile, 'utf8');
    expect(conf).toContain(`repo1-path=${path.join(dir, 'backups', 'pgbackrest', 'repo1')}`);
    expect(conf).toContain(`repo2-path=${path.join(dir, 'offbox')}`);
    expect(conf).toContain('repo1-retention-full=2');
  });

  it('refuses a repo2 inside the backup directory, an unconfigured layer and a target without a zone, with exit 1', async () => {
    const inside = await kona({ ...env, KONA_PGBACKREST_PG_PATH: '/pg', KONA_PGBACKREST_REPO2: path.join(dir, 'backups', 'repo2') }, 'backup', 'archive-command');
    expect(inside).toMatchObject({ code: 1, stderr: expect.stringContaining('repo2 must be independent of repo1') });
    const unconfigured = await kona(env, 'backup', 'run', '--layer', 'restic');
    // restic runs through the admin channel like the dumps: a failed outcome line, exit 1.
    expect(unconfigured).toMatchObject({ code: 1, stdout: expect.stringMatching(/FAILED restic +copy .*The restic layer needs KONA_RESTIC_REPOSITORY/) });
    const target = await kona({ ...env, KONA_PGBACKREST_PG_PATH: '/pg' }, 'drill', 'restore', 'pitr', '--target', '2026-12-07 16:05');
    expect(target).toMatchObject({ code: 1, stderr: expect.stringContaining('--target must be a time with its zone') });
  });

  it('says a restic password is wrong without printing it, and exits 1', async () => {
    const repo = path.join(dir, 'restic-repo');
    writeFileSync(path.join(dir, 'right'), 'the-right-password-1\n');
    writeFileSync(path.join(dir, 'wrong'), 'the-wrong-password-2\n');
    const restic = { KONA_RESTIC_REPOSITORY: repo, KONA_BACKUP_DIR: path.join(dir, 'backups') };
    mkdirSync(path.join(dir, 'backups', 'dumps'), { recursive: true });
    writeFileSync(path.join(dir, 'backups', 'dumps', 'README'), 'something to copy\n');
    const made = await kona({ ...env, ...restic, KONA_RESTIC_PASSWORD_FILE: path.join(dir, 'right') }, 'backup', 'run', '--layer', 'restic');
    expect(made).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^ok +restic +copy .*restic:[0-9a-f]{8}$/m) });
    const right = await kona({ ...env, ...restic, KONA_RESTIC_PASSWORD_FILE: path.join(dir, 'right') }, 'backup', 'verify');
    expect(right).toMatchObject({ code: 0, stdout: expect.stringContaining('restic: 1 checked, all match') });
    const wrong = await kona({ ...env, ...restic, KONA_RESTIC_PASSWORD_FILE: path.join(dir, 'wrong') }, 'backup', 'verify');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('(KONA_RESTIC_PASSWORD_FILE) does not open the repository');
    expect(wrong.stderr + wrong.stdout).not.toContain('the-wrong-password-2');
  });
});
