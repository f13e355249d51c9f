import { chmodSync, mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { watchedPool } from './watched-pool.js';

/** Where a database lives: an embedded PGlite directory (or memory) or a PostgreSQL server URL. */
export type DatabaseTarget = { kind: 'embedded'; dir: string | null } | { kind: 'postgres'; url: string };

/** Observers for query timings and pool state (wired to metrics by the caller). */
export interface DatabaseObserver {
  onQuery?(durationMs: number, failed: boolean): void;
  /** A write ended unconfirmed (see unconfirmed.ts): it may or may not be saved. */
  onUnconfirmed?(): void;
}

/** A connection held exclusively: Kysely on it, plus multi-statement scripts (migrations). */
export interface ExclusiveConnection<S> {
  kysely: Kysely<S>;
  script(text: string): Promise<void>;
  /** The embedded engine itself, for tools that speak its wire protocol (PGlite's pg_dump); absent on a server. */
  pglite?: PGlite;
}

/** One database (control plane or one tenant), whichever engine runs it. */
export interface Database<S> {
  readonly kind: DatabaseTarget['kind'];
  readonly kysely: Kysely<S>;
  /** Runs fn on one connection that nothing else uses meanwhile. */
  exclusive<T>(fn: (conn: ExclusiveConnection<S>) => Promise<T>): Promise<T>;
  /** Pool figures for metrics; embedded databases have one connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

function kyselyLog(observer: DatabaseObserver | undefined) {
  if (!observer?.onQuery) return undefined;
  const onQuery = observer.onQuery.bind(observer);
  return (event: LogEvent) => onQuery(event.queryDurationMillis, event.level === 'error');
}

/** Opens an embedded PGlite database with pgvector loaded; `dir: null` keeps it in memory. */
export async function openEmbedded<S>(dir: string | null, observer?: DatabaseObserver): Promise<Database<S>> {
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // pg returns int8 as text (JavaScript numbers lose precision past 2^53); make PGlite agree.
  const client = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), extensions: { vector }, parsers: { [types.INT8]: (v: string) => v } });
  // The database's files hold personal data (encrypted columns aside): its folder is owner-only,
  // set after PGlite has made it (it leaves 0750, as initdb does).
  if (dir) chmodSync(dir, 0o700);
  const kysely = new Kysely<S>({ dialect: new PGliteDialect(client), log: kyselyLog(observer) });
  let waiting = 0;
  return {
    kind: 'embedded',
    kysely,
    exclusive: async (fn) => {
      waiting++;
      return kysely.connection().execute(async (conn) => {
        waiting--;
        return fn({ kysely: conn, script: async (text) => void (await client.exec(text)), pglite: client });
      });
    },
    poolStats: () => ({ total: 1, idle: waiting === 0 ? 1 : 0, waiting }),
    close: () => kysely.destroy(),
  };
}

/** Connects to a PostgreSQL server through a pg pool. */
export function openPostgres<S>(url: string, observer?: DatabaseObserver, max = 10): Database<S> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 });
  // An idle client losing its server (failover, restart) must not crash the process.
  pool.on('error', () => {});
  // Kysely gets the pool through the watch (watched-pool.ts): unconfirmed commits, failovers.
  const watched = watchedPool(pool, observer?.onUnconfirmed?.bind(observer));
  const kysely = new Kysely<S>({ dialect: new PostgresDialect({ pool: watched }), log: kyselyLog(observer) });
  return {
    kind: 'postgres',
    kysely,
    exclusive: (fn) =>
      kysely.connection().execute((conn) => fn({ kysely: conn, script: async (text) => void (await sql.raw(text).execute(conn)) })),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => kysely.destroy(),
  };
}

/** Opens whichever kind of database the target names. */
export async function openDatabase<S>(target: DatabaseTarget, observer?: DatabaseObserver): Promise<Database<S>> {
  return target.kind === 'embedded' ? openEmbedded<S>(target.dir, observer) : openPostgres<S>(target.url, observer);
}

/** Whether pgvector is installed in this database, and if not, why. */
export async function vectorSupport(db: AnyDatabase): Promise<{ available: boolean; reason: string }> {
  const installed = await sql<{ extversion: string }>`select extversion from pg_extension where extname = 'vector'`.execute(db.kysely);
  if (installed.rows[0]) return { available: true, reason: `pgvector ${installed.rows[0].extversion}` };
  const offered = await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'vector'`.execute(db.kysely);
  return {
    available: false,
    reason: offered.rows[0]?.n
      ? 'pgvector is available on this server but could not be enabled (CREATE EXTENSION needs a superuser)'
      : 'pgvector is not installed on this PostgreSQL server',
  };
}

/** A database of either schema, for code that only runs raw SQL on it (migrations, health checks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one name for 'either schema'; Kysely's schema types are invariant
export type AnyDatabase = Database<any>;
