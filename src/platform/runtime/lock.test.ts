import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { acquireLock, lockHolder, lockPath } from './lock.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-lock-'));
  dirs.push(dir);
  return dir;
}

/** Starts a child process and resolves once it printed its first line. */
function start(command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}

// The built module (vitest's global setup builds dist/), so the holder is another real process.
const lockJs = path.join(packageRoot(), 'dist/src/platform/runtime/lock.js');
const holderScript = (dir: string) =>
  `import(${JSON.stringify(lockJs)}).then((m) => { m.acquireLock(${JSON.stringify(dir)}, { role: 'serve', socket: '/tmp/s' }); console.log('locked'); setInterval(() => {}, 1000); })`;

describe('the data-directory lock', () => {
  it('is refused while another process holds it, and free once that process is killed', async () => {
    const dir = dataDir();
    const holder = await start(process.execPath, ['-e', holderScript(dir)]);
    expect(lockHolder(dir)).toEqual({ role: 'serve', socket: '/tmp/s', pid: holder.pid });
    expect(acquireLock(dir, { role: 'cli' })).toEqual({ heldBy: { role: 'serve', socket: '/tmp/s', pid: holder.pid } });
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    expect(lockHolder(dir)).toBeUndefined();
    const lock = acquireLock(dir, { role: 'cli' });
    expect('release' in lock).toBe(true);
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toEqual({ role: 'cli', pid: process.pid });
    if ('release' in lock) lock.release();
  });

  it('does not block a start when the stale file names a pid now used by an unrelated live process', async () => {
    const dir = dataDir();
    const unrelated = await start(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)']);
    writeFileSync(lockPath(dir), JSON.stringify({ pid: unrelated.pid, role: 'serve', socket: path.join(dir, 'gone.sock') }));
    expect(lockHolder(dir)).toBeUndefined();
    const lock = acquireLock(dir, { role: 'serve' });
    expect(lock).toHaveProperty('release');
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toEqual({ role: 'serve', pid: process.pid });
  });

  it('is one holder at a time within a process too, and release removes the file', () => {
    const dir = dataDir();
    const first = acquireLock(dir, { role: 'serve' });
    expect(acquireLock(dir, { role: 'cli' })).toEqual({ heldBy: { role: 'serve', pid: process.pid } });
    if ('release' in first) {
      first.release();
      first.release();
    }
    expect(lockHolder(dir)).toBeUndefined();
    const second = acquireLock(dir, { role: 'cli' });
    expect(second).toHaveProperty('release');
    if ('release' in second) second.release();
    expect(() => readFileSync(lockPath(dir))).toThrow();
  });
});
