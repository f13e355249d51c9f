import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAdoptableDog } from '../../../../features/adoptions/apply.testing.js';
import { createTestApp, type TestApp } from '../../../../../test/harness/app.js';
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

  beforeAll(async () => {
    t = await createTestApp('postgres', { KONA_TRUST_PROXY: 'true' });
    for (const slug of ['a', 'b']) {
      await t.addTenant(slug);
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
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs SQL as the superuser on a rescue's server (the test server's maintenance database). */
  async function asAdmin(text: string): Promise<void> {
    const admin = new URL(dbUrls.a!);
    admin.pathname = '/postgres';
    const c = new pg.Client({ connectionString: admin.toString() });
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
    const load = runLoad({ url, tenants: ['a', 'b'], seconds: 7, rate: 12, concurrency: 12, timeoutMs: 1500, historyFile, staff, readPercent: 20 });
    await pause(1000);
    await Promise.all([terminate('a'), terminate('b')]);
    // A commit that is slower than the client waits: b's tables are locked past the timeout, so
    // those writes are indeterminate to the client and then saved when the lock goes.
    const locker = new pg.Client({ connectionString: dbUrls.b! });
    await locker.connect();
    await locker.query('begin; lock table vet_visits, applications in exclusive mode');
    await pause(2000);
    await locker.query('commit');
    await locker.end();
    // A demoted primary: new sessions are read-only, so writes are refused with nothing saved.
    await asAdmin(`alter database ${dbName('a')} set default_transaction_read_only = on`);
    await terminate('a');
    await pause(2000);
    await asAdmin(`alter database ${dbName('a')} reset default_transaction_read_only`);
    await terminate('a');
    const result = await load;

    const history = readHistory(historyFile);
    expect(history.length).toBe(result.writes.ok + result.writes.fail + result.writes.indeterminate);
    expect(new Set(history.map((e) => e.kind))).toEqual(new Set(['application', 'medical']));
    expect(new Set(history.map((e) => e.tenant))).toEqual(new Set(['a', 'b']));
    expect(result.writes.ok).toBeGreaterThan(10);
    expect(history.some((e) => e.outcome === 'fail' && e.error === 'KONA_ERR_DB_SWITCHING')).toBe(true);
    const timedOut = history.filter((e) => e.outcome === 'indeterminate' && e.error === 'timeout' && e.tenant === 'b').map((e) => e.id);
    expect(timedOut.length).toBeGreaterThan(0);
    expect(history.every((e) => e.error !== 'pending')).toBe(true);
    expect(readFileSync(historyFile, 'utf8').trim().split('\n').length).toBe(2 * history.length);
    expect(result.timeline.length).toBeGreaterThanOrEqual(5);
    expect(result.timeline.reduce((n, p) => n + p.requests, 0)).toBe(result.requests);

    const check = await checkRun(history, [{ role: 'primary', urlFor: (slug) => dbUrls[slug]! }]);
    expect(check).toMatchObject({ verdict: 'pass', lost: [], unexpected: [], duplicates: [], crossTenant: [], failedButFound: [] });
    expect(check.ok).toBe(result.writes.ok);
    // The writes the client gave up on were saved after all: why they are never counted as failed.
    const reader = new pg.Client({ connectionString: dbUrls.b! });
    await reader.connect();
    const saved = [...(await findWriteIds(reader, [result.tag])).values()].flat();
    await reader.end();
    expect(timedOut.filter((id) => saved.includes(id)).length).toBeGreaterThan(0);
  });
});
