/**
 * PostgreSQL's own client tools (pg_dump, pg_restore, pg_amcheck), found as test/harness does:
 * `pg_config --bindir`, then the newest /usr/lib/postgresql/<version>/bin. Connection details go in
 * the PG* environment, so a password never appears on a command line (where `ps` would show it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

let cachedBin: string | null | undefined;

/** The folder holding PostgreSQL's client tools, or null when none is installed. */
export function postgresBinDir(): string | null {
  if (cachedBin !== undefined) return cachedBin;
  const found = (): string | null => {
    if (process.env.KONA_PG_BIN) return process.env.KONA_PG_BIN;
    try {
      const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (existsSync(path.join(dir, 'pg_dump'))) return dir;
    } catch {
      // No pg_config: Debian's layout below.
    }
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return null;
    const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'pg_dump'))).sort((a, b) => Number(b) - Number(a));
    return versions[0] ? path.join(root, versions[0], 'bin') : null;
  };
  cachedBin = found();
  return cachedBin;
}

/** The path of one tool, or a clear error naming the package to install. */
export function postgresTool(name: 'pg_dump' | 'pg_restore' | 'pg_amcheck'): string {
  const dir = postgresBinDir();
  if (!dir || !existsSync(path.join(dir, name))) throw new Error(`${name} is not installed: install Debian's postgresql-client (or set KONA_PG_BIN).`);
  return path.join(dir, name);
}

/** PG* variables for a connection URL; the password travels only here. */
export function connectionEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname) || 'localhost',
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username) || 'postgres',
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  const host = u.searchParams.get('host');
  if (host) env.PGHOST = host;
  return env;
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Runs a tool to completion; rejects with its stderr (which never holds the password) on failure. */
export function runTool(bin: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { PATH: process.env.PATH ?? '', LC_ALL: 'C', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(bin)} exited ${code}: ${err.trim() || out.trim()}`))));
  });
}
