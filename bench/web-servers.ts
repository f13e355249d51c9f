import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A server the benchmark started as a child process. */
export interface ChildServer {
  url: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// SIGTERM, then SIGKILL if it has not gone after the server's shutdown grace and a margin.
function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it answered; see its log`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}

function started(child: ChildProcess, url: string, logFd: number): ChildServer {
  return {
    url,
    stop: async () => {
      await stopChild(child);
      closeSync(logFd);
    },
  };
}

/**
 * Starts Kona as `npm start` does (`node dist/src/apps/cli.js serve`), with its defaults except the
 * data directory, a free port and no demo rescue; its log lines go to a file in `logDir`.
 */
export async function startKona(root: string, env: NodeJS.ProcessEnv, logDir: string): Promise<ChildServer> {
  const port = await freePort();
  const log = openSync(path.join(logDir, 'kona.log'), 'a');
  const child = spawn(process.execPath, [path.join(root, 'dist/src/apps/cli.js'), 'serve'], {
    cwd: root, env: { ...env, KONA_HOST: '127.0.0.1', KONA_PORT: String(port) }, stdio: ['ignore', log, log],
  });
  const server = started(child, `http://127.0.0.1:${port}`, log);
  try {
    await waitFor(`${server.url}/healthz`, child, 'kona serve');
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Starts the bare static-file server (the ceiling) over the files in `dir`. */
export async function startStatic(scriptPath: string, dir: string, logDir: string): Promise<ChildServer> {
  const port = await freePort();
  const log = openSync(path.join(logDir, 'static.log'), 'a');
  const child = spawn(process.execPath, [scriptPath, dir, String(port)], { stdio: ['ignore', log, log] });
  const server = started(child, `http://127.0.0.1:${port}`, log);
  try {
    await waitFor(`${server.url}/ready.txt`, child, 'static server');
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
