import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { HistoryEntry, WriteOutcome } from '../run.js';
import { checkRun, tenantDatabaseUrl, type CheckSource } from './check.js';
import { medicalMarker, newRunTag, newWriteId } from './kinds.js';

// Crafted databases on the test server: only the columns the checker reads (kinds.ts), so each
// case can put exactly the rows it needs on a "primary", a "replica" and an "old primary".
const admin = inject('pgUrl');
const made: string[] = [];
const prefix = `chk_${randomBytes(3).toString('hex')}`;

async function sql(url: string, text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text, values);
  } finally {
    await c.end();
  }
}

/** A server of crafted tenant databases: rows[tenant] = [kind, id][]. */
async function server(name: string, rows: Record<string, ['application' | 'medical', string][]>): Promise<string> {
  for (const [tenant, list] of Object.entries(rows)) {
    const db = `${prefix}_${name}_${tenant}`;
    await sql(admin, `create database ${db}`);
    made.push(db);
    const url = tenantDatabaseUrl(admin.replace(/\/[^/]*$/, `/${prefix}_${name}_{tenant}`), tenant);
    await sql(url, 'create table applications (idempotency_key text not null); create table vet_visits (reason text not null)');
    for (const [kind, id] of list) {
      if (kind === 'application') await sql(url, 'insert into applications values ($1)', [id]);
      else await sql(url, 'insert into vet_visits values ($1)', [medicalMarker(id)]);
    }
  }
  return admin.replace(/\/[^/]*$/, `/${prefix}_${name}_{tenant}`);
}

const source = (role: CheckSource['role'], template: string): CheckSource => ({ role, urlFor: (t) => tenantDatabaseUrl(template, t) });

describe('the checker', () => {
  const tag = newRunTag();
  const id = () => newWriteId(tag);
  const entry = (tenant: string, kind: string, outcome: WriteOutcome, i: string): HistoryEntry => ({ id: i, tenant, kind, startT: 0, endT: 0.1, outcome });
  const [okA, okB, indA, failA, medA] = [id(), id(), id(), id(), id()];
  const history = [entry('a', 'application', 'ok', okA), entry('b', 'application', 'ok', okB), entry('a', 'application', 'indeterminate', indA), entry('a', 'application', 'fail', failA), entry('a', 'medical', 'ok', medA)];
  const good = { a: [['application', okA], ['medical', medA]], b: [['application', okB]] } as Record<string, ['application' | 'medical', string][]>;
  let primary: string;

  beforeAll(async () => {
    primary = await server('p', { ...good, a: [...good.a!, ['application', indA], ['application', `${newRunTag()}${id().slice(8)}`]] });
  });
  afterAll(async () => {
    for (const db of made) await sql(admin, `drop database if exists ${db} with (force)`);
  });

  it('passes a run where every ok write is everywhere and nothing else of the run is (rows of other runs ignored)', async () => {
    const replica = await server('r', good);
    const r = await checkRun(history, [source('primary', primary), source('replica', replica)]);
    expect(r).toMatchObject({ verdict: 'pass', attempted: 5, ok: 3, fail: 1, indeterminate: 1, lost: [], unexpected: [], duplicates: [], crossTenant: [], oldPrimaryOnly: [], failedButFound: [] });
    expect(r.sources).toHaveLength(4);
    expect(r.sources.join('\n')).not.toContain('postgres@');
  });

  it('finds an acknowledged write lost on a replica', async () => {
    const replica = await server('lost', { a: [['application', okA]], b: [['application', okB]] });
    const r = await checkRun(history, [source('primary', primary), source('replica', replica)]);
    expect(r).toMatchObject({ verdict: 'fail', lost: [medA] });
  });

  it('finds an unexpected row, a duplicate, a cross-tenant id and a row of a failed write', async () => {
    const stray = id();
    const replica = await server('bad', { a: [...good.a!, ['medical', medA], ['application', stray], ['application', failA]], b: [['application', okB], ['application', okA]] });
    const r = await checkRun(history, [source('primary', primary), source('replica', replica)]);
    expect(r).toMatchObject({ verdict: 'fail', lost: [], unexpected: [stray], duplicates: [medA], crossTenant: [okA], failedButFound: [failA] });
  });

  it('accepts old-primary-only rows of indeterminate writes, and flags one that was acknowledged', async () => {
    const fine = await server('oldok', { a: [['application', okA], ['application', indA]], b: [] });
    expect((await checkRun(history, [source('primary', primary), source('old-primary', fine)])).verdict).toBe('pass');
    const okLate = id();
    const withLate = [...history, entry('b', 'application', 'ok', okLate)];
    const old = await server('oldbad', { a: [], b: [['application', okLate]] });
    const r = await checkRun(withLate, [source('primary', primary), source('old-primary', old)]);
    expect(r).toMatchObject({ verdict: 'fail', oldPrimaryOnly: [okLate], lost: [okLate] });
  });

  it('names a rescue database by kona_<slug> or a {tenant} template', () => {
    expect(tenantDatabaseUrl('postgres://u:p@h:5432/postgres', 'happy-paws')).toBe('postgres://u:p@h:5432/kona_happy_paws');
    expect(tenantDatabaseUrl('postgres://h/t_{tenant}', 'a')).toBe('postgres://h/t_a');
  });
});
