import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { csrfFrom, testEnv } from '../../test/harness/app.js';
import { freePort } from '../../test/harness/postgres.js';
import { adminSocketPath } from '../platform/runtime/admin-socket.js';
import { lockPath } from '../platform/runtime/lock.js';
import { packageRoot } from '../platform/runtime/paths.js';

// Real processes on two busy cores: starting Kona (and the demo rescue) can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// `kona serve` as a real process: signals, the lock file and the socket cannot be tested in-process.
const root = packageRoot();
const cliJs = path.join(root, 'dist/src/apps/cli.js');
// Long, so that a loaded machine never runs it out: a clean shutdown is told apart from one the grace
// period forced by the warning kona serve logs when it has to force it, not by how long it took.
const graceSeconds = 30;


function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A `kona serve` child with its output and a promise of its exit. */
interface Served {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; at: number }>;
}

function spawnServe(env: NodeJS.ProcessEnv): Served {
  const child = spawn(process.execPath, [cliJs, 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; at: number }>((r) => child.once('exit', (code) => r({ code, at: performance.now() })));
  return { child, output: () => out, exit };
}

/** GET over a new connection (never a pooled one), resolving with the status or the connection error's code. */
function probe(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
      .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Polls until `until` accepts the probe's answer. */
async function poll(url: string, until: (answer: number | string) => boolean, served: Served, timeoutMs = 90_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!until(await probe(url))) {
    if (served.child.exitCode !== null) throw new Error(`kona serve exited ${served.child.exitCode}:\n${served.output()}`);
    if (performance.now() > deadline) throw new Error(`${url} did not answer as expected within ${timeoutMs} ms:\n${served.output()}`);
    await sleep(20);
  }
}

/**
 * POSTs a form whose body is sent in two parts, the second only when `release` resolves. `handled`
 * resolves when the server has read the headers and taken the request up (its 100 Continue).
 */
function slowPost(url: string, form: Record<string, string>, cookie: string, agent: http.Agent, release: Promise<void>) {
  const body = new URLSearchParams(form).toString();
  const req = http.request(url, {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), cookie, expect: '100-continue' },
  });
  const handled = new Promise<void>((r) => req.once('continue', () => r()));
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', (res) => res.resume().once('end', () => resolve(res)));
    req.once('error', reject);
  });
  req.write(body.slice(0, 10));
  void release.then(() => req.end(body.slice(10)));
  return { handled, answered };
}

const cookiesOf = (setCookie: string[]) => setCookie.map((c) => c.split(';')[0]).join('; ');

describe('kona serve', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-serve-'));
  const running: ChildProcess[] = [];
    afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the request in flight at SIGTERM, exits 0, and starts again with its data intact', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { PATH: process.env.PATH, ...testEnv(dir, { KONA_DEMO: 'true', KONA_HOST: '127.0.0.1', KONA_PORT: String(port), KONA_SHUTDOWN_GRACE_SECONDS: String(graceSeconds), KONA_LOG_LEVEL: 'warn' }) };

    const spawnedAt = performance.now();
    const first = spawnServe(env);
    running.push(first.child);
    await poll(`${url}/healthz`, (a) => a === 200, first);
    console.log(`kona serve on a fresh data directory: spawn → first 200 on /healthz (demo rescue created) in ${Math.round(performance.now() - spawnedAt)} ms`);
    const demo = /as (\S+) with password (\S+)/.exec(first.output())!;
    expect(demo).not.toBeNull();

    const signInPage = await fetch(`${url}/r/demo/hub/sign-in`);
    const cookie = cookiesOf(signInPage.headers.getSetCookie());
    const form = { _csrf: csrfFrom(await signInPage.text()), email: demo[1]!, password: demo[2]! };
    // A keep-alive agent, as a browser holds its connection open after the answer.
    const agent = new http.Agent({ keepAlive: true });
    let release!: () => void;
    const post = slowPost(`${url}/r/demo/hub/sign-in`, form, cookie, agent, new Promise<void>((r) => (release = r)));
    await post.handled; // the request line and headers have arrived: the request is being handled

    const signalledAt = performance.now();
    first.child.kill('SIGTERM');
    // Once new connections are refused the server is shutting down; only then does the body finish.
    await poll(`${url}/healthz`, (a) => a !== 200, first, graceSeconds * 1000);
    release();
    const answer = await post.answered;
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/r/demo/hub');
    const session = cookiesOf(answer.headers['set-cookie'] ?? []);
    expect(session).toMatch(/^kona_sid=/);

    const exited = await first.exit;
    agent.destroy();
    expect(exited.code).toBe(0);
    console.log(`kona serve: SIGTERM → exit 0 in ${Math.round(exited.at - signalledAt)} ms (grace period ${graceSeconds} s)`);
    // The grace period did not have to end it: nothing (not even the idle keep-alive connection) held it open.
    expect(first.output()).not.toContain('did not finish within the grace period');
    expect(existsSync(lockPath(dir))).toBe(false);
    expect(existsSync(adminSocketPath(dir))).toBe(false);

    const second = spawnServe(env);
    running.push(second.child);
    await poll(`${url}/healthz`, (a) => a === 200, second);
    expect(second.output()).not.toContain('A demo rescue was created');
    const home = await fetch(`${url}/r/demo/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('A demonstration rescue');
    // The session written by the request that finished during shutdown survived the restart.
    const hub = await fetch(`${url}/r/demo/hub`, { headers: { cookie: session }, redirect: 'manual' });
    expect(hub.status).toBe(200);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  });
});
