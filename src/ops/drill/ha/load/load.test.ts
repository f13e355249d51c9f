import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { insertAdoptableDog } from '../../../../features/adoptions/apply.testing.js';
import { createTestApp, testEnv, type TestApp } from '../../../../../test/harness/app.js';
import { createTenant } from '../../../../platform/tenancy/tenants.service.js';
import { packageRoot } from '../../../../platform/runtime/paths.js';
import { checkRun } from './check.js';
import { readHistory } from './history.js';
import { findWriteIds } from './kinds.js';
import { runLoad, type StaffLogin } from './load.js';

// The generator against a real Kona on a real PostgreSQL server, with the database failing under
// it: Kona's connections terminated, then one rescue's database read-only for a moment (what a
// demoted primary looks like). Afterwards the checker must find every acknowledged write.
describe('the load generator under database faults', () => {
  let t: TestApp;
  let url: string;
  let dir: string;
  const dbUrls: Record<string, string> = {};
  const staff: Record<string, StaffLogin> = {};

  // Rescues made as `kona tenants create --server-url` makes them (kona_<slug>), so `kona drill
  // check --db <server>` finds them; the slugs are this run's own on the shared test server.
  const run = randomBytes(3).toString('hex');
  const [a, b] = [`ld-a${run}`, `ld-b${run}`];
  const server = inject('pgUrl');

  beforeAll(async () => {
    t = await createTestApp('postgres', { KONA_TRUST_PROXY: 'true' });
    const tenancy = { control: t.rt.ctx.control.kysely, dataDir: t.dataDir, embeddedAllowed: false, tenants: t.rt.ctx.tenants };
    for (const slug of [a, b]) {
      await createTenant(tenancy, { slug, name: `Rescue ${slug}`, hostnames: [], database: { kind: 'server', serverUrl: server } }, { type: 'system' });
      await t.rt.ctx.onTenantsChanged?.();
      const db = (await t.rt.ctx.tenants.get(slug))!.db.kysely;
      await insertAdoptableDog(db, 'Rex');
      await insertAdoptableDog(db, 'Luna');
      const s = await t.addStaff(slug, 'staff');
      staff[slug] = { email: s.email, password: s.password };
    }
    for (const row of await t.rt.ctx.control.kysely.selectFrom('tenants').select(['slug', 'db_url']).execute()) dbUrls[row.slug] = row.db_url!;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'kona-load-'));
  });
  afterAll(async () => {
    await t?.close();
    for (const slug of [a, b]) await asAdmin(`drop database if exists kona_${slug.replaceAll('-', '_')} with (force)`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs SQL as the superuser on a rescue's server (the test server's maintenance database). */
  async function asAdmin(text: string): Promise<void> {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  }
  const dbName = (slug: string) => new URL(dbUrls[slug]!).pathname.slice(1);
  const terminate = (slug: string) => asAdmin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${dbName(slug)}' and pid <> pg_backend_pid()`);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('keeps every acknowledged write; refused and cut-off writes are fail and indeterminate', async () => {
    const historyFile = path.join(dir, 'history.jsonl');
    const load = runLoad({ url, tenants: [a, b], seconds: 9, rate: 12, concurrency: 16, timeoutMs: 1500, historyFile, staff, readPercent: 10, retryDelayMs: 800 });
    await pause(1000);
    await Promise.all([terminate(a), terminate(b)]);
    // A commit that is slower than the client waits: b's tables are locked past the timeout, so
    // those writes are indeterminate to the client and then saved when the lock goes.
    const locker = new pg.Client({ connectionString: dbUrls[b]! });
    await locker.connect();
    await locker.query('begin; lock table vet_visits, applications in exclusive mode');
    await pause(4000);
    await locker.query('commit');
    await locker.end();
    // A demoted primary: new sessions are read-only, so writes are refused with nothing saved.
    await asAdmin(`alter database ${dbName(a)} set default_transaction_read_only = on`);
    await terminate(a);
    await pause(2000);
    await asAdmin(`alter database ${dbName(a)} reset default_transaction_read_only`);
    await terminate(a);
    const result = await load;

    const history = readHistory(historyFile);
    expect(history.length).toBe(result.writes.ok + result.writes.fail + result.writes.indeterminate);
    expect(new Set(history.map((e) => e.kind))).toEqual(new Set(['application', 'medical']));
    expect(new Set(history.map((e) => e.tenant))).toEqual(new Set([a, b]));
    expect(result.writes.ok).toBeGreaterThan(10);
    expect(history.some((e) => e.outcome === 'fail' && e.error === 'KONA_ERR_DB_SWITCHING')).toBe(true);
    const timedOut = history.filter((e) => e.outcome === 'indeterminate' && e.error === 'timeout' && e.tenant === b).map((e) => e.id);
    expect(timedOut.length).toBeGreaterThan(0);
    expect(history.every((e) => e.error !== 'pending')).toBe(true);
    // A pending line per attempt, then the outcome line.
    const attempts = history.reduce((n, e) => n + (e.attempts ?? 1), 0);
    expect(readFileSync(historyFile, 'utf8').trim().split('\n').length).toBe(attempts + history.length);
    // Applications refused while the database switched were sent again with the same key.
    expect(history.some((e) => e.kind === 'application' && (e.attempts ?? 1) > 1)).toBe(true);
    expect(result.timeline.length).toBeGreaterThanOrEqual(5);
    expect(result.timeline.reduce((n, p) => n + p.requests, 0)).toBe(result.requests);

    const check = await checkRun(history, [{ role: 'primary', urlFor: (slug) => dbUrls[slug]! }]);
    expect(check).toMatchObject({ verdict: 'pass', lost: [], unexpected: [], duplicates: [], crossTenant: [], failedButFound: [] });
    expect(check.ok).toBe(result.writes.ok);
    // The writes the client gave up on were saved after all: why they are never counted as failed.
    const reader = new pg.Client({ connectionString: dbUrls[b]! });
    await reader.connect();
    const saved = [...(await findWriteIds(reader, [result.tag])).values()].flat();
    await reader.end();
    expect(timedOut.filter((id) => saved.includes(id)).length).toBeGreaterThan(0);
  });

  it('runs as kona drill load and kona drill check (the real binary), which exits 1 on a lost write', async () => {
    const staffFile = path.join(dir, 'staff.json');
    writeFileSync(staffFile, JSON.stringify(staff), { mode: 0o600 });
    const historyFile = path.join(dir, 'cli.jsonl');
    const env = { PATH: process.env.PATH, ...testEnv(path.join(dir, 'unused')) };
    const loaded = await kona(env, 'drill', 'load', '--url', url, '--tenants', `${a},${b}`, '--seconds', '2', '--rate', '8', '--read-percent', '20', '--history', historyFile, '--staff-file', staffFile);
    expect(loaded.stderr).toBe('');
    expect(loaded.code).toBe(0);
    const summary = JSON.parse(loaded.stdout) as { writes: { ok: number }; timeline: string };
    expect(summary.writes.ok).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(summary.timeline, 'utf8')).length).toBeGreaterThanOrEqual(2);

    const checked = await kona(env, 'drill', 'check', '--history', historyFile, '--db', server, '--db', server);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ verdict: 'pass', lost: [], ok: summary.writes.ok });

    const okId = readHistory(historyFile).find((e) => e.outcome === 'ok' && e.kind === 'application')!;
    await new Promise<void>((resolve, reject) => {
      const c = new pg.Client({ connectionString: dbUrls[okId.tenant]! });
      c.connect().then(() => c.query('delete from applications where idempotency_key = $1', [okId.id])).then(() => c.end()).then(resolve, reject);
    });
    const lost = await kona(env, 'drill', 'check', '--history', historyFile, '--db', server);
    expect(lost.code).toBe(1);
    expect(JSON.parse(lost.stdout)).toMatchObject({ verdict: 'fail', lost: [okId.id] });
  });
});

const cliJs = path.join(packageRoot(), 'dist/src/apps/cli.js');

function kona(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliJs, ...args], { cwd: packageRoot(), env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
