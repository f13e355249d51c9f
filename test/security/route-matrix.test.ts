import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOperator } from '../../src/features/operator/operator.service.js';
import type { StaffRole } from '../../src/platform/db/schema.js';
import { csrfTokenFor } from '../../src/platform/http/csrf.js';
import { can, isPermission, type Permission } from '../../src/platform/http/permissions.js';
import { createOperatorSession, createStaffSession, hashToken, operatorCookie, preSessionCookie, tenantCookie } from '../../src/platform/http/sessions.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';
import { fillPath, routesOf, scopeOf, type RegisteredRoute } from '../harness/routes.js';

// Record every route of the app exactly as buildWebApp assembles it (see recordingRoutes).
vi.mock('../../src/platform/http/server.js', async (importOriginal) => {
  const { recordingRoutes } = await import('../harness/routes.js');
  return recordingRoutes(await importOriginal());
});

const SLUG = 'matrix';
const roles: StaffRole[] = ['viewer', 'foster', 'staff', 'admin'];
const actors = ['anonymous', ...roles, 'operator'] as const;
type ActorName = (typeof actors)[number];
type Outcome = 'pass' | 'unauthenticated' | 'forbidden';

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isRole = (a: ActorName): a is StaffRole => (roles as string[]).includes(a);

/** What the declared permission says this actor must get. */
function expectedOutcome(permission: Permission, actor: ActorName): Outcome {
  if (permission === 'public') return 'pass';
  if (permission === 'operator') return actor === 'operator' ? 'pass' : 'unauthenticated';
  if (!isRole(actor)) return 'unauthenticated';
  return can(actor, permission) ? 'pass' : 'forbidden';
}

/** Problem code of a JSON error response, if it is one. */
function problemCode(res: LightMyRequestResponse): string | undefined {
  if (!String(res.headers['content-type'] ?? '').includes('json')) return undefined;
  try {
    return (JSON.parse(res.body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

describe.each(engines)('route permission matrix on %s', (engine) => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  const staffIds = new Map<StaffRole, string>();
  let operatorId: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant(SLUG);
    for (const role of roles) staffIds.set(role, (await t.addStaff(SLUG, role)).id);
    operatorId = (await createOperator(t.rt.ctx.control.kysely, `matrix-op-${randomBytes(3).toString('hex')}`, { type: 'system' })).id;
    routes = routesOf(t.rt.ctx);
  });
  afterAll(() => t?.close());

  /**
   * Cookies and CSRF tokens for one request as this actor: a fresh session each time (a walked
   * sign-out must not spoil the next request) plus a pre-session cookie, and the token the guard of
   * the route's scope will expect (the session's in its own scope, the pre-session's elsewhere).
   */
  async function credentials(actor: ActorName, route: RegisteredRoute) {
    const { config, secrets } = t.rt.ctx;
    const pre = randomBytes(18).toString('base64url');
    const cookies = [`${preSessionCookie(config).name}=${pre}`];
    let sessionBinding: string | undefined;
    let sessionScope: 'tenant' | 'operator' | undefined;
    if (isRole(actor)) {
      const handle = await t.rt.ctx.tenants.get(SLUG);
      const token = await createStaffSession(handle!.db.kysely, staffIds.get(actor)!);
      cookies.push(`${tenantCookie(config, `/r/${SLUG}`).name}=${token}`);
      sessionBinding = hashToken(token);
      sessionScope = 'tenant';
    } else if (actor === 'operator') {
      const token = await createOperatorSession(t.rt.ctx.control.kysely, operatorId);
      cookies.push(`${operatorCookie(config).name}=${token}`);
      sessionBinding = hashToken(token);
      sessionScope = 'operator';
    }
    const binding = sessionBinding && sessionScope === scopeOf(route.url) ? sessionBinding : pre;
    return { cookie: cookies.join('; '), csrf: csrfTokenFor(secrets.sessionSecret, binding) };
  }

  async function send(route: RegisteredRoute, actor: ActorName, opts: { csrf?: boolean; accept?: string } = {}) {
    const { cookie, csrf } = await credentials(actor, route);
    const isUnsafe = unsafe.has(route.method);
    return t.app.inject({
      method: route.method as 'GET',
      url: fillPath(route.url, SLUG),
      headers: {
        cookie,
        accept: opts.accept ?? 'application/json',
        ...(isUnsafe ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(isUnsafe && opts.csrf !== false ? { 'x-csrf-token': csrf } : {}),
      },
      ...(isUnsafe ? { payload: 'probe=1' } : {}),
    });
  }

  it('finds the routes it walks, each with a known permission', () => {
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('GET /r/:tenant/hub');
    expect(urls).toContain('POST /r/:tenant/hub/sign-in');
    for (const r of routes) expect(isPermission(r.permission), `${r.method} ${r.url}`).toBe(true);
  });

  it.each(actors)('every route answers %s as its declared permission says', async (actor) => {
    const violations: string[] = [];
    for (const route of routes) {
      const permission = route.permission!;
      const expected = expectedOutcome(permission, actor);
      const res = await send(route, actor);
      const code = problemCode(res);
      const where = `${route.method} ${route.url} [${permission}] as ${actor}: got ${res.statusCode} ${code ?? ''}`;
      if (res.statusCode >= 500 && res.statusCode !== 503) violations.push(`${where} (server error)`);
      if (expected === 'pass' && (res.statusCode === 401 || res.statusCode === 403)) violations.push(`${where}, expected access`);
      if (expected === 'unauthenticated' && !(res.statusCode === 401 && code === 'KONA_ERR_UNAUTHENTICATED')) violations.push(`${where}, expected 401 KONA_ERR_UNAUTHENTICATED`);
      if (expected === 'forbidden' && !(res.statusCode === 403 && code === 'KONA_ERR_FORBIDDEN')) violations.push(`${where}, expected 403 KONA_ERR_FORBIDDEN`);
    }
    expect(violations).toEqual([]);
  });

  it('sends a signed-out browser from every protected page to the right sign-in, coming back after', async () => {
    const violations: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET' && r.permission !== 'public')) {
      const res = await send(route, 'anonymous', { accept: 'text/html' });
      const url = fillPath(route.url, SLUG);
      const signIn = route.permission === 'operator' ? '/operator/sign-in' : `/r/${SLUG}/hub/sign-in`;
      const expected = `${signIn}?next=${encodeURIComponent(url)}`;
      if (res.statusCode !== 303 || res.headers.location !== expected) violations.push(`GET ${route.url}: got ${res.statusCode} → ${res.headers.location}, expected 303 → ${expected}`);
    }
    expect(violations).toEqual([]);
  });

  it('refuses every state-changing route without a CSRF token, even for an actor who may use it', async () => {
    const violations: string[] = [];
    for (const route of routes.filter((r) => unsafe.has(r.method))) {
      const actor: ActorName = route.permission === 'operator' ? 'operator' : route.permission === 'public' ? 'anonymous' : 'admin';
      const res = await send(route, actor, { csrf: false });
      if (res.statusCode !== 403 || problemCode(res) !== 'KONA_ERR_CSRF') violations.push(`${route.method} ${route.url} as ${actor}: got ${res.statusCode} ${problemCode(res) ?? ''}`);
    }
    expect(violations).toEqual([]);
  });

  it('changes nothing when any actor merely reads every GET route', async () => {
    const handle = await t.rt.ctx.tenants.get(SLUG);
    const count = async () => {
      const tenant = await handle!.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const control = await t.rt.ctx.control.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return [Number(tenant.n), Number(control.n)];
    };
    const before = await count();
    for (const actor of actors) for (const route of routes.filter((r) => r.method === 'GET')) await send(route, actor, { accept: 'text/html' });
    expect(await count()).toEqual(before);
  });

  it('refuses to build a server with a route that declares no permission, or an unknown one', async () => {
    const bare: FastifyPluginAsync = async (app) => {
      app.get('/undeclared', async () => 'open');
    };
    const unknown: FastifyPluginAsync = async (app) => {
      app.post('/made-up', { config: { permission: 'everything' as Permission } }, async () => 'open');
    };
    const { buildServer } = await vi.importActual<typeof import('../../src/platform/http/server.js')>('../../src/platform/http/server.js');
    const build = (routes: Parameters<typeof buildServer>[1]) => buildServer(t.rt.ctx, routes, { logger: false });
    await expect(build({ tenant: [bare] })).rejects.toThrow(/GET \/r\/:tenant\/undeclared declares no permission/);
    await expect(build({ tenant: [], root: [bare] })).rejects.toThrow(/declares no permission/);
    await expect(build({ tenant: [], operator: [unknown] })).rejects.toThrow(/POST \/operator\/made-up declares no permission/);
  });
});
