import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../platform/runtime/paths.js';

vi.setConfig({ testTimeout: 90_000 });

const root = packageRoot();
const cliJs = path.join(root, 'dist/src/apps/cli.js');
const policy = path.join(root, 'deploy/triage-policy.example.yaml');
const token = 'alertmanager-bearer-token';
const dataDir = mkdtempSync(path.join(tmpdir(), 'kona-triage-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(args: string[], env: Record<string, string> = { KONA_TRIAGE_TOKEN: token }): { child: ChildProcessWithoutNullStreams; output: () => string; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [cliJs, 'triage', ...args], {
    env: { PATH: process.env.PATH, KONA_DATA_DIR: dataDir, KONA_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', r));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /serving at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`kona triage exited ${code}:\n${out}`)));
  });
  url.catch(() => undefined);
  return { child, output: () => out, url, exit };
}

describe('`kona triage`', () => {
  it('serves on the embedded database, takes Alertmanager\'s webhook with the token, refuses a second process on the same data, stops on SIGTERM', async () => {
    const first = start(['--policy', policy, '--port', '0']);
    const url = await first.url;
    try {
      const body = readFileSync(path.join(root, 'test/fixtures/alertmanager/20-node-not-ready-firing.json'));
      const denied = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body.toString() });
      expect(denied.status).toBe(401);
      const ok = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body.toString() });
      expect(ok.status).toBe(200);
      const page = await fetch(`${url}/`, { headers: { authorization: `Bearer ${token}` } });
      expect(await page.text()).toContain('KubeNodeNotReady');

      const second = start(['--policy', policy, '--port', '0']);
      expect(await second.exit).toBe(1);
      expect(second.output()).toMatch(/Another kona triage \(pid \d+\) is using/);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);
    }
  });

  it('stops with the line and reason of a bad policy, and asks for a policy when none is given', async () => {
    const bad = path.join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'mode: sometimes\n');
    const run = start(['--policy', bad, '--port', '0']);
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/bad\.yaml:1:\d+: mode/);
    const none = start(['--port', '0']);
    expect(await none.exit).toBe(1);
    expect(none.output()).toContain('kona triage needs a policy file');
  });

  it('refuses to start without credentials, and with --insecure-no-auth anywhere but loopback', async () => {
    const bare = start(['--policy', policy, '--port', '0'], {});
    expect(await bare.exit).toBe(1);
    expect(bare.output().trim().split('\n')).toHaveLength(1);
    expect(bare.output()).toMatch(/needs credentials: set KONA_TRIAGE_TOKEN or KONA_TRIAGE_BASIC_AUTH .*--insecure-no-auth/);
    const exposed = start(['--policy', policy, '--port', '0', '--host', '0.0.0.0', '--insecure-no-auth'], {});
    expect(await exposed.exit).toBe(1);
    expect(exposed.output()).toContain('--insecure-no-auth listens on loopback only (127.0.0.1, ::1), not on 0.0.0.0');
  });

  it('serves without credentials on loopback when --insecure-no-auth is given', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-noauth-'));
    const run = start(['--policy', policy, '--port', '0', '--insecure-no-auth'], { KONA_DATA_DIR: dir });
    try {
      const url = await run.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const body = readFileSync(path.join(root, 'test/fixtures/alertmanager/20-node-not-ready-firing.json'));
      const ok = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body.toString() });
      expect(ok.status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
