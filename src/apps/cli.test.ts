import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { testEnv } from '../../test/harness/app.js';
import { createServerDatabase } from '../../test/harness/databases.js';
import { packageRoot } from '../platform/runtime/paths.js';

// Real processes on two busy cores: starting Kona (and the demo rescue) can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// The real `kona` binary, run as a child process: what an operator types is what is tested.
const root = packageRoot();
const cliJs = path.join(root, 'dist/src/apps/cli.js');


interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, env, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** The environment of a kona process: the test settings only, plus PATH. */
function processEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...testEnv(dataDir, extra) };
}

/** Runs `kona <args>` to completion. */
function kona(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Ran> {
  return run(process.execPath, [cliJs, ...args], env);
}

/** Starts `kona serve` and resolves with its URL once it prints that it is serving. */
function startServe(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [cliJs, 'serve'], { cwd: root, env: { KONA_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kona serve did not start within 90 s:\n${out}`)), 90_000);
    child.stdout!.on('data', () => {
      const match = /Kona is serving at (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`kona serve exited ${code} before serving:\n${out}`)));
  });
}

/** Stops a child with SIGTERM and waits for it to exit. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-cli-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('kona CLI with no server running', () => {
  const env = processEnv(dataDir());

  it('creates a rescue and prints its admin invitation link as JSON', async () => {
    const res = await kona(env, 'tenant', 'create', 'happy-tails', '--name', 'Happy Tails', '--admin-email', 'boss@example.org');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const created = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(created).toMatchObject({ slug: 'happy-tails', name: 'Happy Tails', dbKind: 'embedded' });
    expect(created.adminInvitation).toMatch(/^http:\/\/localhost:3000\/r\/happy-tails\/hub\/invite\/[A-Za-z0-9_-]{20,}$/);
  });

  it('lists it, disables it, and lists it as disabled', async () => {
    expect((await kona(env, 'tenant', 'list')).stdout).toMatch(/^happy-tails\s+active\s+embedded\s+Happy Tails$/m);
    const disabled = await kona(env, 'tenant', 'disable', 'happy-tails');
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toEqual({ slug: 'happy-tails', status: 'disabled' });
    expect((await kona(env, 'tenant', 'list')).stdout).toMatch(/^happy-tails\s+disabled\s+embedded\s+Happy Tails$/m);
  });

  it('refuses a bad slug with a clear message and exit code 1', async () => {
    const res = await kona(env, 'tenant', 'create', 'Happy_Tails', '--name', 'Happy Tails');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('slug must be 1-40 lower-case letters, digits or inner hyphens');
    expect(res.stdout).toBe('');
  });

  it('exits 78 naming a bad setting', async () => {
    const res = await kona({ ...env, KONA_PORT: 'abc' }, 'tenant', 'list');
    expect(res.code).toBe(78);
    expect(res.stderr).toContain('Kona cannot start: the configuration is not valid.');
    expect(res.stderr).toMatch(/KONA_PORT: .*\(got "abc"\)/);
  });

  it('removes a rescue only when its slug is repeated, deleting its database folder', async () => {
    await kona(env, 'tenant', 'create', 'short-lived', '--name', 'Short Lived');
    const tenantDir = path.join(env.KONA_DATA_DIR!, 'tenants', 'short-lived');
    expect(existsSync(tenantDir)).toBe(true);
    const unconfirmed = await kona(env, 'tenant', 'remove', 'short-lived');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('--confirm short-lived');
    expect(existsSync(tenantDir)).toBe(true);
    const removed = await kona(env, 'tenant', 'remove', 'short-lived', '--confirm', 'short-lived');
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ slug: 'short-lived', dbKind: 'embedded' });
    expect(existsSync(tenantDir)).toBe(false);
    expect((await kona(env, 'tenant', 'list')).stdout).not.toContain('short-lived');
    expect((await kona(env, 'tenant', 'remove', 'short-lived', '--confirm', 'short-lived')).stderr).toContain('No rescue with slug "short-lived"');
  });

  it('creates an operator and prints the generated password once', async () => {
    const res = await kona(env, 'operator', 'create', 'ops');
    expect(res.code).toBe(0);
    const created = JSON.parse(res.stdout) as { username: string; password: string };
    expect(created.username).toBe('ops');
    expect(created.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const withEmail = await kona(env, 'operator', 'create', 'ops2', '--email', 'ops2@example.org');
    expect(withEmail.code).toBe(0);
    expect(withEmail.stdout).not.toContain('ops2@example.org');
    const badEmail = await kona(env, 'operator', 'create', 'ops3', '--email', 'not an email');
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('email must be an email address');
  });
});

describe('kona CLI while kona serve runs on the same data directory', () => {
  const dir = dataDir();
  const env = processEnv(dir);
  let server: Awaited<ReturnType<typeof startServe>> | undefined;
  beforeAll(async () => {
    server = await startServe(env);
  });
  afterAll(() => stop(server?.child));

  it('creates a rescue through the admin socket, served at once by the running server', async () => {
    // The server's PGlite lives in its own memory: the new rescue can only show up there if the
    // CLI asked the server instead of opening the database files itself.
    expect(JSON.parse(readFileSync(path.join(dir, 'kona.lock'), 'utf8'))).toMatchObject({ role: 'serve', pid: server!.child.pid });
    const res = await kona(env, 'tenant', 'create', 'live-one', '--name', 'Live One', '--admin-email', 'boss@example.org');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ slug: 'live-one', adminInvitation: expect.stringContaining('/r/live-one/hub/invite/') });
    const page = await fetch(`${server!.url}/r/live-one/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Live One');
    expect((await kona(env, 'tenant', 'list')).stdout).toMatch(/^live-one\s+active/m);
    const off = await kona(env, 'tenant', 'disable', 'live-one');
    expect(off.code).toBe(0);
    expect((await fetch(`${server!.url}/r/live-one/`)).status).toBe(410);
  });

  it('refuses a second kona serve on the same data directory', async () => {
    const second = await kona({ ...env, KONA_PORT: '0' }, 'serve');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Kona is already running on ${dir} (pid ${server!.child.pid})`);
    expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
  });
});

describe('kona CLI with a PostgreSQL control plane', () => {
  const admin = inject('pgUrl');
  const drops: (() => Promise<void>)[] = [];
  const dropSrv1 = async () => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query('drop database if exists kona_srv1 with (force)');
    await client.end();
  };
  beforeAll(dropSrv1);
  afterAll(async () => {
    for (const drop of [dropSrv1, ...drops]) await drop().catch(() => {});
  });

  it('creates the rescue\'s database kona_srv1 on the server and migrates it', async () => {
    const control = await createServerDatabase();
    drops.push(control.drop);
    const env = processEnv(dataDir(), { KONA_CONTROL_DATABASE_URL: control.url });
    const res = await kona(env, 'tenant', 'create', 'srv1', '--name', 'X', '--server', admin);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ slug: 'srv1', dbKind: 'postgres' });
    const url = new URL(admin);
    url.pathname = '/kona_srv1';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      expect((await client.query('select name from rescue_settings')).rows).toEqual([{ name: 'X' }]);
      expect(Number((await client.query('select count(*) as n from kona_migrations')).rows[0].n)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    expect((await kona(env, 'tenant', 'list')).stdout).toMatch(/^srv1\s+active\s+postgres\s+X$/m);
  });
});
