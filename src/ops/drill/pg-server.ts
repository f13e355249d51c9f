/**
 * Starts a restored data directory as a throw-away PostgreSQL server for a drill: reachable only
 * through a Unix socket in a private directory (no TCP, trust for its owner), waited on until
 * recovery has finished and it has promoted, and checked with pg_amcheck. When recovery fails, the
 * server's own FATAL line (and the WAL segment it could not get) becomes the error.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { BackupToolError, lastLines, runTool, runToolOk, type RunAs } from '../backup/tool.js';

/** The PostgreSQL server binaries: pg_config --bindir, else Debian's newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string {
  if (process.env.KONA_PG_BIN) return process.env.KONA_PG_BIN;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(path.join(dir, 'pg_ctl'))) return dir;
  } catch {
    // often only the client's pg_config; Debian's layout follows
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new BackupToolError('No PostgreSQL server binaries found (Debian package postgresql, or set KONA_PG_BIN)', 'pg_ctl');
  return path.join(root, versions[0], 'bin');
}

/** A port no one listens on now (the restored server's socket name; it listens on no TCP port). */
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

/** A restored server running for a drill. */
export interface RestoredServer {
  /** Connection settings for `pg` (socket directory as host). */
  connection: { host: string; port: number; user: string };
  /** A client on one of its databases. */
  connect(database?: string): Promise<pg.Client>;
  /** pg_amcheck over every database; throws with its findings. */
  amcheck(): Promise<void>;
  stop(): Promise<void>;
}

/** Where the server runs: its data directory and a private directory for socket, log and hba file. */
export interface RestoredPlace {
  dataDir: string;
  privateDir: string;
  port: number;
  user: string;
  runAs?: RunAs;
  bin?: string;
  /** Server settings to start with; a standby must have max_connections and the like at least the source's. */
  settings?: Record<string, string>;
}

/** Settings a recovering server must not set lower than the server whose WAL it replays. */
export const hotStandbyMinimums = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];

/** The WAL segment after `name` on the same timeline (16 MiB segments: 256 per log file). */
export function nextWalSegment(name: string): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  const [tli, log, seg] = [name.slice(0, 8), Number.parseInt(name.slice(8, 16), 16), Number.parseInt(name.slice(16, 24), 16)];
  return seg === 0xff ? `${tli}${hex(log + 1)}${hex(0)}` : `${tli}${hex(log)}${hex(seg + 1)}`;
}

/**
 * Why recovery stopped, from the server log: its FATAL line and, when recovery ran out of WAL, the
 * segment it could not get (the one after the last it restored; pgBackRest's archive-get reports a
 * missing segment only at info level, which the restore_command does not print).
 */
export function recoveryFailure(log: string): string {
  const fatal = log.split('\n').find((l) => /FATAL|PANIC/.test(l))?.replace(/^.*?(FATAL|PANIC):\s*/, '') ?? lastLines(log, 2);
  const restored = [...log.matchAll(/restored log file "([0-9A-F]{24})" from archive/g)].map((m) => m[1]!).sort().at(-1);
  const missing = /unable to find ([0-9A-F]{24})/.exec(log)?.[1] ?? (/ended before|before consistent/.test(fatal) && restored ? nextWalSegment(restored) : undefined);
  return missing ? `${fatal}; WAL segment ${missing} is missing from the archive` : fatal;
}

/** Starts the restored directory and waits (up to `timeoutMs`) until it has promoted. */
export async function startRestored(place: RestoredPlace, timeoutMs = 300_000): Promise<RestoredServer> {
  const bin = place.bin ?? postgresBinDir();
  const log = path.join(place.privateDir, 'server.log');
  const hba = path.join(place.privateDir, 'pg_hba.conf');
  writeFileSync(hba, 'local all all trust\n', { mode: 0o640 });
  if (place.runAs) chownSync(hba, place.runAs.uid, place.runAs.gid);
  const opts = [`-p ${place.port}`, "-c listen_addresses=''", `-c unix_socket_directories=${place.privateDir}`, `-c hba_file=${hba}`, '-c archive_mode=off',
    ...Object.entries(place.settings ?? {}).filter(([k, v]) => /^[a-z_]+$/.test(k) && /^[0-9]+$/.test(v)).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const connection = { host: place.privateDir, port: place.port, user: place.user };
  const stop = async () => {
    await runTool(path.join(bin, 'pg_ctl'), ['-D', place.dataDir, '-m', 'immediate', '-w', 'stop'], { runAs: place.runAs });
  };
  const readLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  const started = await runTool(path.join(bin, 'pg_ctl'), ['-D', place.dataDir, '-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-l', log, '-o', opts, 'start'], { runAs: place.runAs });
  if (started.code !== 0) {
    await stop();
    throw new BackupToolError(`The restored server did not start: ${recoveryFailure(readLog())}`, 'postgres');
  }
  const connect = async (database = 'postgres') => {
    const client = new pg.Client({ ...connection, database });
    await client.connect();
    return client;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await connect().then(async (c) => {
      try {
        return (await c.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r ? 'recovering' : 'promoted';
      } finally {
        await c.end();
      }
    }, () => 'down');
    if (state === 'promoted') break;
    const running = (await runTool(path.join(bin, 'pg_ctl'), ['-D', place.dataDir, 'status'], { runAs: place.runAs })).code === 0;
    if (!running || Date.now() > deadline) {
      await stop();
      throw new BackupToolError(running ? `Recovery did not finish within ${timeoutMs / 1000} s` : `Recovery failed: ${recoveryFailure(readLog())}`, 'postgres');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    connection,
    connect,
    amcheck: async () => {
      await runToolOk(path.join(bin, 'pg_amcheck'), ['-h', place.privateDir, '-p', String(place.port), '-U', place.user, '--all', '--install-missing'], { runAs: place.runAs },
        (r) => `pg_amcheck found problems: ${lastLines(r.stdout + r.stderr, 4)}`);
    },
    stop,
  };
}
