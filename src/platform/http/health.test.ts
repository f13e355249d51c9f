import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { freePort } from '../../../test/harness/postgres.js';
import { insertTenant } from '../tenancy/tenants.queries.js';

describe.each(engines)('health endpoints on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('fine');
  });
  afterAll(() => t.close());

  it('/healthz answers while the process is alive', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz checks the control plane and each tenant, and says whether pgvector is there', async () => {
    const res = await t.app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.checks.control.ok).toBe(true);
    expect(body.checks['tenant:fine'].ok).toBe(true);
    expect(body.checks['tenant:fine'].vector).toMatch(/^available/);
  });

  it('/readyz answers 503 naming a tenant whose database is unreachable', async () => {
    // A registry row pointing at a server nobody listens on: the database is "down".
    const port = await freePort();
    await insertTenant(t.rt.ctx.control.kysely, { slug: 'down', name: 'Down', db_kind: 'postgres', db_url: `postgres://kona@127.0.0.1:${port}/nowhere`, hostnames: [] });
    const res = await t.app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json().checks['tenant:down'].ok).toBe(false);
    expect(res.json().checks['tenant:fine'].ok).toBe(true);
    expect(JSON.stringify(res.json())).not.toContain('postgres://');
  });

  it('serves metrics with route patterns and tenant labels', async () => {
    await t.app.inject('/r/fine/');
    const text = (await t.app.inject('/metrics')).body;
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/r\/:tenant",status_code="200",tenant="fine"\} 1/);
    expect(text).toMatch(/db_query_duration_seconds_count\{database="fine",outcome="ok"\}/);
    expect(text).toMatch(/db_pool_connections\{database="control",state="total"\}/);
    // The backup metrics (src/apps/backup-metrics.ts): the history is always a source.
    expect(text).toContain('kona_backup_source_up{source="runs"} 1');
  });
});
