import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A PostgreSQL server started from the system's binaries for one test run. */
export interface PostgresServer {
  /** Superuser URL of the `postgres` maintenance database. */
  url: string;
  version: string;
  /** Its data directory, socket directory and port (for tools that work beside it: pgBackRest). */
  dataDir: string;
  socketDir: string;
  port: number;
  /** The system user it runs as when the tests run as root. */
  runAs: { uid: number; gid: number } | undefined;
  stop(): Promise<void>;
}

/** Extra server settings, written to postgresql.conf before the first start (e.g. archive_mode). */
export interface StartPostgresOptions {
  conf?: Record<string, string>;
}

/** Finds the PostgreSQL server binaries: pg_config --bindir, then /usr/lib/postgresql/<newest>/bin. */
export function findPostgresBin(): string | null {
  if (process.env.KONA_PG_BIN) return process.env.KONA_PG_BIN;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    // pg_config is often only the client's; fall through to Debian's layout.
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

/** Asks the kernel for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

// initdb refuses to run as root; when the tests run as root (CI), the server runs as `postgres`.
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(bin)} exited ${code}: ${out}`))));
  });
}

/** initdb into a temporary directory, start on a free loopback port, and return its URL. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('No PostgreSQL server binaries found: install Debian\'s `postgresql` package (or set KONA_PG_BIN).');
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], user);
  const conf = Object.entries(options.conf ?? {}).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'\n`).join('');
  if (conf) appendFileSync(path.join(data, 'postgresql.conf'), conf);
  await run(
    path.join(bin, 'pg_ctl'),
    ['-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`, 'start'],
    user,
  );
  const version = (await run(path.join(bin, 'postgres'), ['--version'], user)).trim();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    dataDir: data,
    socketDir: dir,
    port,
    runAs: user,
    stop: async () => {
      await run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop'], user).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A streaming standby of a test server (pg_basebackup -R), which can be stopped and started again. */
export interface StandbyServer {
  port: number;
  /** Stops it (fast): a primary that names it synchronous then waits at every commit. */
  pause(): Promise<void>;
  /** Starts it again after pause(). */
  resume(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** Clones a running server into a streaming standby on a free port, started and connected. */
export async function startStandby(primary: PostgresServer): Promise<StandbyServer> {
  const bin = findPostgresBin()!;
  const user = primary.runAs;
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-pg-standby-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const pgCtl = (args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '60', ...args], user);
  const stop = async () => {
    await pgCtl(['-m', 'immediate', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  const port = await freePort();
  // max_connections must be at least the primary's, or the standby refuses to start.
  const start = () =>
    pgCtl(['-l', path.join(dir, 'server.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200 -c cluster_name=kona_standby`, 'start']);
  try {
    await run(path.join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '--no-sync'], user);
    await start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    pause: async () => void (await pgCtl(['-m', 'fast', 'stop'])),
    resume: async () => void (await start()),
    stop,
  };
}
