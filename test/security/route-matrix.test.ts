import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOperator } from '../../src/features/operator/operator.service.js';
import type { StaffRole } from '../../src/platform/db/schema.js';
import { csrfTokenFor } from '../../src/platform/http/csrf.js';
import { can, isPermission, type Permission } from '../../src/platform/http/permissions.js';
import { createOperatorSession, createStaffSession, createVetSession, hashToken, operatorCookie, preSessionCookie, tenantCookie, vetCookie } from '../../src/platform/http/sessions.js';
import { createTestApp, signedInStaff, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';
import { fillPath, routesOf, scopeOf, type RegisteredRoute } from '../harness/routes.js';
import { paramsOf, scopedDog, writtenOn } from './dog-scope.setup.js';
import { grantRefusalMessage } from '../../src/features/vets/vets.public.js';

// Record every route of the app exactly as buildWebApp assembles it (see recordingRoutes).
vi.mock('../../src/platform/http/server.js', async (importOriginal) => {
  const { recordingRoutes } = await import('../harness/routes.js');
  return recordingRoutes(await importOriginal());
});

const SLUG = 'matrix';
const roles: StaffRole[] = ['viewer', 'foster', 'staff', 'admin'];
const actors = ['anonymous', ...roles, 'operator', 'vet'] as const;
type ActorName = (typeof actors)[number];
type Outcome = 'pass' | 'unauthenticated' | 'forbidden';

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isRole = (a: ActorName): a is StaffRole => (roles as string[]).includes(a);

/** What the declared permission says this actor must get. */
function expectedOutcome(permission: Permission, actor: ActorName): Outcome {
  if (permission === 'public') return 'pass';
  if (permission === 'operator') return actor === 'operator' ? 'pass' : 'unauthenticated';
  if (permission === 'vet') return actor === 'vet' ? 'pass' : 'unauthenticated';
  if (!isRole(actor)) return 'unauthenticated';
  return can(actor, permission) ? 'pass' : 'forbidden';
}

/**
 * A vet's grant routes answer a grant that is not theirs (the matrix's dummy id) with the one
 * grant refusal, a 403 that reveals nothing; it says the handler was reached, not that the
 * permission refused the vet.
 */
function isGrantRefusal(res: LightMyRequestResponse): boolean {
  return res.statusCode === 403 && problemCode(res) === 'KONA_ERR_FORBIDDEN' && res.body.includes(grantRefusalMessage);
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
  let vetId: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant(SLUG);
    for (const role of roles) staffIds.set(role, (await t.addStaff(SLUG, role)).id);
    operatorId = (await createOperator(t.rt.ctx.control.kysely, `matrix-op-${randomBytes(3).toString('hex')}`, { type: 'system' })).id;
    // A verified vet, written as the vets feature writes one (what it holds is encrypted or hashed).
    const ring = t.rt.ctx.secrets.keyRing;
    vetId = (await t.rt.ctx.control.kysely.insertInto('vets').values({
      name_enc: ring.encrypt('Dr Matrix'), clinic_enc: ring.encrypt('Matrix Clinic'), licence_enc: ring.encrypt('VET-1'), licence_hash: ring.blindIndex(`vet-licence:${randomBytes(4).toString('hex')}`),
      email_enc: ring.encrypt('matrix@vets.example'), email_hash: ring.blindIndex(`vet-email:${randomBytes(4).toString('hex')}`), password_hash: 'unused', status: 'verified',
    }).returning('id').executeTakeFirstOrThrow()).id;
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
    let sessionScope: 'tenant' | 'operator' | 'vet' | undefined;
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
    } else if (actor === 'vet') {
      const token = await createVetSession(t.rt.ctx.control.kysely, vetId);
      cookies.push(`${vetCookie(config).name}=${token}`);
      sessionBinding = hashToken(token);
      sessionScope = 'vet';
    }
    const binding = sessionBinding && sessionScope === scopeOf(route.url) ? sessionBinding : pre;
    return { cookie: cookies.join('; '), csrf: csrfTokenFor(secrets.sessionSecret, binding) };
  }

  /** The route's URL with these parameter values (the rest get the matrix's dummies). */
  const urlWith = (route: RegisteredRoute, params: Record<string, string> = {}) =>
    fillPath(route.url.replace(/:(\w+)/g, (m, name: string) => params[name] ?? m), SLUG);

  async function send(route: RegisteredRoute, actor: ActorName, opts: { csrf?: boolean; accept?: string; params?: Record<string, string>; payload?: string } = {}) {
    const { cookie, csrf } = await credentials(actor, route);
    const isUnsafe = unsafe.has(route.method);
    return t.app.inject({
      method: route.method as 'GET',
      url: urlWith(route, opts.params),
      headers: {
        cookie,
        accept: opts.accept ?? 'application/json',
        ...(isUnsafe ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(isUnsafe && opts.csrf !== false ? { 'x-csrf-token': csrf } : {}),
      },
      ...(isUnsafe ? { payload: opts.payload ?? 'probe=1' } : {}),
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
      if (expected === 'pass' && (res.statusCode === 401 || res.statusCode === 403) && !(permission === 'vet' && isGrantRefusal(res))) violations.push(`${where}, expected access`);
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
      const signIn = route.permission === 'operator' ? '/operator/sign-in' : route.permission === 'vet' ? '/vet/sign-in' : `/r/${SLUG}/hub/sign-in`;
      const expected = `${signIn}?next=${encodeURIComponent(url)}`;
      if (res.statusCode !== 303 || res.headers.location !== expected) violations.push(`GET ${route.url}: got ${res.statusCode} → ${res.headers.location}, expected 303 → ${expected}`);
    }
    expect(violations).toEqual([]);
  });

  it('refuses every state-changing route without a CSRF token, even for an actor who may use it', async () => {
    const violations: string[] = [];
    for (const route of routes.filter((r) => unsafe.has(r.method))) {
      const actor: ActorName = route.permission === 'operator' ? 'operator' : route.permission === 'vet' ? 'vet' : route.permission === 'public' ? 'anonymous' : 'admin';
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

  describe('data scope: a foster reaches only the dogs in their care', () => {
    const today = new Date().toISOString().slice(0, 10);
    // Every hub route that takes a dog (its page, medical, documents, photos, notes, weights, uploads) or a photo's bytes.
    const dogRoutes = () => routes.filter((r) => /^\/r\/:tenant\/hub\/(dogs\/:id(\/|$)|photos\/:sha\/)/.test(r.url));
    let own: Awaited<ReturnType<typeof scopedDog>>;
    let other: Awaited<ReturnType<typeof scopedDog>>;
    let db: Awaited<ReturnType<typeof tenantDb>>;
    const tenantDb = async () => (await t.rt.ctx.tenants.get(SLUG))!.db.kysely;

    beforeAll(async () => {
      db = await tenantDb();
      const { browser: admin } = await signedInStaff(t, SLUG, 'admin');
      own = await scopedDog(t, admin, db, SLUG, 'Owndog', today);
      other = await scopedDog(t, admin, db, SLUG, 'Otherdog', today);
      const placed = await admin.post(`/r/${SLUG}/hub/dogs/${own.id}/foster`, { _csrf: await admin.csrf(`/r/${SLUG}/hub/dogs/${own.id}`), foster: staffIds.get('foster')!, started_on: today });
      expect(placed.statusCode).toBe(303);
    });

    it('walks the dog routes: page, medical, documents, photos, notes, weights and uploads', () => {
      const walked = dogRoutes().map((r) => `${r.method} ${r.url.replace('/r/:tenant', '')}`);
      for (const url of ['GET /hub/dogs/:id', 'GET /hub/dogs/:id/medical', 'GET /hub/dogs/:id/documents/:documentId/file', 'POST /hub/dogs/:id/documents',
        'POST /hub/dogs/:id/photos', 'POST /hub/dogs/:id/notes', 'POST /hub/dogs/:id/weights', 'POST /hub/dogs/:id/treatments/:entryId/dose', 'GET /hub/photos/:sha/:variant']) {
        expect(walked).toContain(url);
      }
    });

    it("answers a foster 403 or 404 for another dog's record, documents and photos, and serves their own", async () => {
      const before = await writtenOn(db, other.id);
      const violations: string[] = [];
      let walked = 0;
      for (const route of dogRoutes()) {
        // Routes a foster may not use at all are the matrix's business (403 for every dog).
        if (!can('foster', route.permission!)) continue;
        walked += 1;
        const where = `${route.method} ${route.url} as foster`;
        const theirs = await send(route, 'foster', { params: paramsOf(other), accept: 'text/html' });
        if (theirs.statusCode !== 403 && theirs.statusCode !== 404) violations.push(`${where} for another dog: got ${theirs.statusCode}, expected 403 or 404`);
        const mine = await send(route, 'foster', { params: paramsOf(own), accept: 'text/html' });
        // A GET of their own dog is served; a probe POST reaches its handler (a 400 for the probe's form, never a refusal).
        const served = route.method === 'GET' ? mine.statusCode === 200 : ![401, 403, 404].includes(mine.statusCode) && mine.statusCode < 500;
        if (!served) violations.push(`${where} for their own dog: got ${mine.statusCode}`);
      }
      expect(walked).toBeGreaterThanOrEqual(9);
      expect(violations).toEqual([]);
      expect(await writtenOn(db, other.id)).toEqual(before);
    });

    it("lists only a foster's own dogs, and only their medical items due; staff see both", async () => {
      const get = async (actor: ActorName, url: string, query = '') => {
        const route = routes.find((r) => r.method === 'GET' && r.url === `/r/:tenant${url}`)!;
        const res = await send({ ...route, url: `${route.url}${query}` }, actor, { accept: 'text/html' });
        expect(res.statusCode).toBe(200);
        return res.body;
      };
      for (const url of ['/hub/dogs', '/hub/medical/due', '/hub']) {
        const foster = await get('foster', url);
        expect(foster, `${url} as foster`).toContain('Owndog');
        expect(foster, `${url} as foster`).not.toContain('Otherdog');
      }
      for (const url of ['/hub/dogs', '/hub/medical/due']) {
        const staff = await get('staff', url);
        expect(staff).toContain('Owndog');
        expect(staff).toContain('Otherdog');
      }
      expect(await get('foster', '/hub/dogs', `?status=all&foster=${staffIds.get('staff')}`)).not.toContain('Otherdog');
    });

    it('lets a foster record a weight, a dose given and a note on their dog, and none on another', async () => {
      const post = (url: string, params: Record<string, string>, payload: string) =>
        send(routes.find((r) => r.method === 'POST' && r.url === `/r/:tenant${url}`)!, 'foster', { params, payload, accept: 'text/html' });
      const forms: [string, string][] = [
        ['/hub/dogs/:id/weights', `kg=12.5&weighed_on=${today}`],
        ['/hub/dogs/:id/treatments/:entryId/dose', `given_on=${today}`],
        ['/hub/dogs/:id/notes', 'body=Ate+well+today'],
      ];
      const before = { own: await writtenOn(db, own.id), other: await writtenOn(db, other.id) };
      for (const [url, payload] of forms) {
        expect((await post(url, paramsOf(other), payload)).statusCode, `${url} for another dog`).toBe(404);
        expect((await post(url, paramsOf(own), payload)).statusCode, `${url} for their own dog`).toBe(303);
      }
      expect(await writtenOn(db, other.id)).toEqual(before.other);
      expect(await writtenOn(db, own.id)).toEqual({ ...before.own, weights: before.own.weights + 1, doses: before.own.doses + 1, notes: before.own.notes + 1 });
    });
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
