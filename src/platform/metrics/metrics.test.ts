import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, test } from 'vitest';
import { createMetrics, type Metrics } from './metrics.js';
import { registerMetrics } from './metrics.plugin.js';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Builds an app with a parameterised route and metrics; the tenant comes from the `x-tenant` header. */
async function build(metrics: Metrics, token?: string): Promise<FastifyInstance> {
  app = Fastify();
  registerMetrics(app, metrics, { token, tenantOf: (req) => req.headers['x-tenant'] as string | undefined });
  app.get('/r/:slug/x', async () => 'ok');
  await app.ready();
  return app;
}

async function scrape(a: FastifyInstance, token?: string): Promise<string> {
  const res = await a.inject({ url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
}

describe('HTTP metrics', () => {
  test('labels samples with the route pattern, not the raw URL', async () => {
    const a = await build(createMetrics());
    expect((await a.inject('/r/abc/x')).statusCode).toBe(200);
    const body = await scrape(a);
    expect(body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/r\/:slug\/x",status_code="200",tenant="none"\} 1/,
    );
    expect(body).not.toContain('/r/abc/x');
  });

  test('labels requests no route matched as unmatched', async () => {
    const a = await build(createMetrics());
    expect((await a.inject('/no/such/page')).statusCode).toBe(404);
    const body = await scrape(a);
    expect(body).toMatch(/http_request_duration_seconds_count\{[^}]*route="unmatched",status_code="404"[^}]*\} 1/);
    expect(body).not.toContain('/no/such/page');
  });

  test('serves another component\'s registry beside its own (the in-process dispatcher)', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const other = new Registry();
    new Counter({ name: 'kona_dispatcher_example_total', help: 'x', registers: [other] }).inc(3);
    metrics.addRegistry(other);
    const body = await scrape(await build(metrics));
    expect(body).toContain('kona_dispatcher_example_total 3');
    expect(body).toContain('http_request_duration_seconds');
  });

  test('includes default process metrics', async () => {
    const body = await scrape(await build(createMetrics()));
    expect(body).toContain('process_cpu_user_seconds_total');
  });
});

describe('GET /metrics token', () => {
  test('answers 401 without or with a wrong bearer token, 200 with the right one', async () => {
    const a = await build(createMetrics(), 's3cret');
    expect((await a.inject('/metrics')).statusCode).toBe(401);
    expect((await a.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    expect((await a.inject({ url: '/metrics', headers: { authorization: 's3cret' } })).statusCode).toBe(401);
    expect(await scrape(a, 's3cret')).toContain('http_request_duration_seconds');
  });

  test('declares a public permission on the route', async () => {
    const a = Fastify();
    app = a;
    const configs: unknown[] = [];
    a.addHook('onRoute', (route) => void configs.push(route.config));
    registerMetrics(a, createMetrics(), { tenantOf: () => undefined });
    expect(configs).toContainEqual(expect.objectContaining({ permission: 'public' }));
  });
});

describe('tenant labels', () => {
  test('labels the first N distinct slugs by name and the rest as other', async () => {
    const metrics = createMetrics({ maxTenantLabels: 2 });
    expect(metrics.tenantLabel('a')).toBe('a');
    expect(metrics.tenantLabel('b')).toBe('b');
    expect(metrics.tenantLabel('c')).toBe('other');
    expect(metrics.tenantLabel('a')).toBe('a');
  });

  test('applies the bound to HTTP samples', async () => {
    const a = await build(createMetrics({ maxTenantLabels: 2 }));
    for (const tenant of ['one', 'two', 'three', 'four']) {
      await a.inject({ url: '/r/abc/x', headers: { 'x-tenant': tenant } });
    }
    const body = await scrape(a);
    expect(body).toContain('tenant="one"');
    expect(body).toContain('tenant="two"');
    expect(body).toMatch(/http_request_duration_seconds_count\{[^}]*tenant="other"\} 2/);
    expect(body).not.toContain('tenant="three"');
  });
});

describe('database metrics', () => {
  test('db observer records durations by database and outcome', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const obs = metrics.dbObserver('control');
    obs.onQuery(3, false);
    obs.onQuery(20, false);
    obs.onQuery(7, true);
    const body = await metrics.registry.metrics();
    expect(body).toContain('db_query_duration_seconds_count{database="control",outcome="ok"} 2');
    expect(body).toContain('db_query_duration_seconds_count{database="control",outcome="error"} 1');
    expect(body).toContain('db_query_duration_seconds_sum{database="control",outcome="ok"} 0.023');
  });

  test('pool gauge reports registered sources at scrape time and drops removed ones', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let idle = 3;
    metrics.addPoolSource('control', () => ({ total: 5, idle, waiting: 1 }));
    metrics.addPoolSource('acme', () => ({ total: 2, idle: 0, waiting: 4 }));
    let body = await metrics.registry.metrics();
    expect(body).toContain('db_pool_connections{database="control",state="total"} 5');
    expect(body).toContain('db_pool_connections{database="control",state="idle"} 3');
    expect(body).toContain('db_pool_connections{database="control",state="waiting"} 1');
    expect(body).toContain('db_pool_connections{database="acme",state="waiting"} 4');

    idle = 1;
    metrics.removePoolSource('acme');
    body = await metrics.registry.metrics();
    expect(body).toContain('db_pool_connections{database="control",state="idle"} 1');
    expect(body).not.toContain('database="acme"');
  });
});
