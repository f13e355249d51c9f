import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testEnv } from '../../test/harness/app.js';
import { packageRoot } from '../platform/runtime/paths.js';

// The real `kona` binary against a running `kona serve` on the embedded default: the dump of a
// PGlite database is taken through the server that holds it, while it runs.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const root = packageRoot();
const cliJs = path.join(root, 'dist/src/apps/cli.js');

function kona(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliJs, ...args], { cwd: root, env, timeout: 150_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('kona backup and kona drill restore dump while kona serve runs (embedded)', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'kona-backup-cli-'));
  const backupDir = path.join(base, 'backups');
  // A restic repository too: the restic layer and drill also go through the running server.
  writeFileSync(path.join(base, 'restic-password'), 'a-restic-password-for-the-test\n', { mode: 0o600 });
  const restic = { KONA_RESTIC_REPOSITORY: path.join(base, 'restic-repo'), KONA_RESTIC_PASSWORD_FILE: path.join(base, 'restic-password') };
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...testEnv(path.join(base, 'data'), { KONA_BACKUP_DIR: backupDir, KONA_PORT: '0', KONA_HOST: '127.0.0.1', ...restic }) };
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    // The demo rescue: dogs with photos and an admin, as the drill's smoke test needs.
    server = spawn(process.execPath, [cliJs, 'serve'], { cwd: root, env: { ...env, KONA_DEMO: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Kona is serving at')) resolve();
      });
      server!.once('exit', (code) => reject(new Error(`kona serve exited ${code}: ${out}`)));
    });
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('backs up through the running server, lists with the keep rules, and verifies', async () => {
    const run = await kona(env, 'backup', 'run');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok\s+dump\s+tenant\s+demo\s+/m);
    expect(run.stdout).toMatch(/^ok\s+dump\s+control\s+-\s+/m);
    expect(run.stdout).toMatch(/^ok\s+snapshot\s+/m);
    expect(run.stdout).toMatch(/^ok\s+restic\s+copy\s+-\s+.*restic:[0-9a-f]{8}$/m);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^ok\s+restic/); // last: it copies what the dumps wrote
    const snapshot = readdirSync(path.join(backupDir, 'snapshots'));
    expect(snapshot).toHaveLength(1);
    // The data-directory snapshot has the databases and no key ring.
    expect(readdirSync(path.join(backupDir, 'snapshots', snapshot[0]!)).sort()).toEqual(expect.arrayContaining(['control', 'tenants', 'snapshot.json']));
    expect(readdirSync(path.join(backupDir, 'snapshots', snapshot[0]!))).not.toContain('secrets');
    const list = await kona(env, 'backup', 'list');
    expect(list.stdout).toContain('Keep rules: dump daily=7,weekly=4,monthly=6; snapshot daily=7,weekly=4,monthly=6');
    expect(list.stdout).toMatch(/dump\s+rescue demo\s+dumps\/demo\/\d{8}T\d{6}Z\s+kept: newest, daily, weekly, monthly/);
    const verify = await kona(env, 'backup', 'verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('dumps: 2 checked, all match');
    expect(verify.stdout).toContain('restic: 1 checked, all match');
  });

  it('a second run while one holds the lock is refused with a clear message', async () => {
    const [a, b] = await Promise.all([kona(env, 'backup', 'run', '--layer', 'dump', '--tenant', 'demo'), kona(env, 'backup', 'run', '--layer', 'dump', '--tenant', 'demo')]);
    const refused = [a, b].filter((r) => r.code !== 0);
    // Both can succeed only if one finished before the other began; the first always does.
    expect([a, b].some((r) => r.code === 0)).toBe(true);
    for (const r of refused) expect(`${r.stderr}${r.stdout}`).toMatch(/Another backup run \(pid \d+\) is in progress|already exists/);
  });

  it('the dump drill passes on the embedded default, with a report and JSON', async () => {
    const drill = await kona(env, 'drill', 'restore', 'dump', '--tenant', 'demo');
    expect(drill.stderr).toBe('');
    expect(drill.stdout).toMatch(/^Dump drill for demo: PASS \(RTO \d+\.\d s\)$/m);
    expect(drill.stdout).toMatch(/ok\s+sign-in\s+an admin signed in/);
    expect(drill.stdout).toMatch(/ok\s+dog page\s+\/r\/demo\/dogs\/[0-9a-f-]{36} and its photo \(\d+ bytes\) are served/);
    expect(drill.code).toBe(0);
    const reports = readdirSync(path.join(backupDir, 'drills')).filter((n) => n.endsWith('-dump.json'));
    expect(JSON.parse(readFileSync(path.join(backupDir, 'drills', reports[0]!), 'utf8'))).toMatchObject({ verdict: 'pass', tenant: 'demo' });
  });

  it('the restic drill passes while kona serve runs: the dumps and uploads pulled back, restored and proved', async () => {
    const drill = await kona(env, 'drill', 'restore', 'restic');
    expect(drill.stderr).toBe('');
    expect(drill.code).toBe(0);
    const report = JSON.parse(drill.stdout) as { verdict: string; checks: { name: string; ok: boolean }[]; tenants: string[] };
    expect(report).toMatchObject({ kind: 'restic', verdict: 'pass', tenants: ['demo'] });
    expect(report.checks.filter((c) => c.name.startsWith('demo: ')).map((c) => [c.name, c.ok])).toEqual([
      ['demo: restore', true], ['demo: tables', true], ['demo: sequences', true], ['demo: amcheck', true], ['demo: pii', true], ['demo: uploads', true], ['demo: dog page', true], ['demo: sign-in', true],
    ]);
  });

  it('verify and the drill refuse a corrupted dump; nothing is restored', async () => {
    const dumps = path.join(backupDir, 'dumps', 'demo');
    const newest = readdirSync(dumps).sort().at(-1)!;
    const file = path.join(dumps, newest, 'dump.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('CREATE TABLE', 'CREATE  TABLE'));
    const verify = await kona(env, 'backup', 'verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/dump\.sql: (sha256 mismatch|\d+ bytes, the manifest says \d+)/);
    const drill = await kona(env, 'drill', 'restore', 'dump', '--tenant', 'demo');
    expect(drill.code).toBe(1);
    expect(drill.stderr).toMatch(/does not match its manifest, so nothing was restored/);
    expect(readdirSync(path.join(backupDir, 'drills')).filter((n) => n.startsWith('restore-'))).toEqual([]);
  });

  it('kona keys export writes an owner-only file and never overwrites one', async () => {
    const file = path.join(base, 'keys-backup.json');
    const first = await kona(env, 'keys', 'export', file);
    expect(first.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ KONA_ENCRYPTION_KEYS: env.KONA_ENCRYPTION_KEYS, KONA_BLIND_INDEX_KEY: env.KONA_BLIND_INDEX_KEY, KONA_SESSION_SECRET: env.KONA_SESSION_SECRET });
    const again = await kona(env, 'keys', 'export', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('kona drill restore rebuild: the rescue rebuilt from the backups and the key backup while kona serve runs', async () => {
    const keys = path.join(base, 'keys-backup.json'); // written by kona keys export above
    const rebuild = await kona(env, 'drill', 'restore', 'rebuild', '--tenant', 'demo', '--keys', keys);
    expect(rebuild.stderr).toBe('');
    expect(rebuild.code).toBe(0);
    const report = JSON.parse(rebuild.stdout) as { verdict: string; dumpFrom: string; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report).toMatchObject({ kind: 'rebuild', verdict: 'pass', dumpFrom: 'restic', registryFrom: 'local' });
    // The newest local dump was corrupted above: the restic copy's is used, and the report says why.
    expect(report.checks.find((c) => c.name === 'database')!.detail).toMatch(/restic copy's dump .* does not match its manifest/);
    expect(report.checks.map((c) => c.name)).toEqual(['database', 'registry', 'tables', 'sequences', 'amcheck', 'pii', 'uploads', 'dog page', 'sign-in']);
    const missing = await kona(env, 'drill', 'restore', 'rebuild', '--tenant', 'demo');
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('needs --tenant <slug> and --keys <file>') });
  });
});
