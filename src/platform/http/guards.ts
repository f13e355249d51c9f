import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KonaError } from '../errors/errors.js';
import type { AppContext } from './context.js';
import { csrfField, csrfHeader, csrfTokenFor, csrfTokenValid, newCsrfBinding } from './csrf.js';
import { wantsJson } from './errors.js';
import { can } from './permissions.js';
import { defaultRescueLocale } from '../locale/index.js';
import { publicIdentityOf, rescueSettingsColumns } from './identity.js';
import {
  loadOperatorSession,
  loadStaffSession,
  loadVetSession,
  operatorCookie,
  preSessionCookie,
  vetCookie,
  readCookie,
  sessionLimits,
  setCookie,
  tenantCookie,
} from './sessions.js';

/** Header set by the URL rewrite when a request arrived on a tenant's own hostname. */
export const hostTenantMarker = 'x-kona-host-tenant';

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Resolves `/r/:tenant` to that tenant's handle and loads the staff session from its database. */
export function tenantResolver(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { tenant?: string } }>) => {
    const slug = request.params.tenant ?? '';
    const tenant = await ctx.tenants.get(slug);
    if (!tenant) {
      const row = await ctx.control.kysely.selectFrom('tenants').select('status').where('slug', '=', slug).executeTakeFirst();
      if (row?.status === 'disabled') throw new KonaError('KONA_ERR_TENANT_DISABLED', 'This rescue\'s site has been switched off by the operator.');
      throw new KonaError('KONA_ERR_TENANT_UNKNOWN', 'There is no rescue at this address. Check the link.');
    }
    request.tenant = tenant;
    // A route answering with bytes, never a page, skips the settings read (an error page reads them).
    if (request.routeOptions.config?.frame !== false) await loadRescueSettings(request);
    request.basePath = request.raw.headers[hostTenantMarker] === slug ? '' : `/r/${slug}`;
    const token = readCookie(request, tenantCookie(ctx.config, request.basePath));
    if (token) {
      const s = await loadStaffSession(tenant.db.kysely, token, sessionLimits(ctx.config), ctx.clock);
      if (s) request.actor = { kind: 'staff', id: s.id, role: s.role, name: ctx.secrets.keyRing.decrypt(s.nameEnc), sessionHash: s.sessionHash };
    }
  };
}

/**
 * Reads the rescue's settings row (one query per request) unless read already: its display name and
 * tagline, how it reads dates and money, and what its public pages show of it. The rescue may rename
 * itself in its settings; the registry name is the operator's label and the fallback.
 */
export async function loadRescueSettings(request: FastifyRequest): Promise<void> {
  const tenant = request.tenant;
  if (!tenant || request.rescueName !== undefined) return;
  const row = await tenant.db.kysely.selectFrom('rescue_settings').select(rescueSettingsColumns).executeTakeFirst();
  request.rescueName = row?.name ?? tenant.name;
  request.rescueTagline = row?.tagline ?? '';
  request.rescueLocale = row ? { timeZone: row.time_zone, currency: row.currency, locale: row.locale } : defaultRescueLocale;
  request.rescueIdentity = row ? publicIdentityOf(row) : undefined;
}

/** Loads the operator session from the control plane. */
export function operatorResolver(ctx: AppContext) {
  return async (request: FastifyRequest) => {
    const token = readCookie(request, operatorCookie(ctx.config));
    if (!token) return;
    const s = await loadOperatorSession(ctx.control.kysely, token, sessionLimits(ctx.config), ctx.clock);
    if (s) request.actor = { kind: 'operator', id: s.id, username: s.username, sessionHash: s.sessionHash };
  };
}

/** Loads the vet session from the control plane. */
export function vetResolver(ctx: AppContext) {
  return async (request: FastifyRequest) => {
    const token = readCookie(request, vetCookie(ctx.config));
    if (!token) return;
    const s = await loadVetSession(ctx.control.kysely, token, sessionLimits(ctx.config), ctx.clock);
    if (s) request.actor = { kind: 'vet', id: s.id, name: ctx.secrets.keyRing.decrypt(s.nameEnc), status: s.status, sessionHash: s.sessionHash };
  };
}

/** The CSRF binding of this request: its session, else the pre-session cookie (created if missing). */
function csrfBinding(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, create: boolean): string | undefined {
  if (request.actor) return request.actor.sessionHash;
  const spec = preSessionCookie(ctx.config);
  let value = readCookie(request, spec);
  if (!value && create) {
    value = newCsrfBinding();
    setCookie(reply, spec, value);
  }
  return value;
}

/**
 * Runs before every handler in the tenant and operator scopes: checks the CSRF token of any
 * state-changing request, then the route's declared permission.
 */
export function accessGuard(ctx: AppContext) {
  const secret = ctx.secrets.sessionSecret;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // No route matched: the not-found page changes nothing, so it needs neither token nor role.
    if (request.is404) return;
    const isUnsafe = unsafe.has(request.method);
    if (!isUnsafe && !request.actor) {
      // The pre-session cookie is created only when a page reads the token (it renders a form):
      // a page without one sets no cookie, so a shared cache may store it.
      let token: string | undefined;
      Object.defineProperty(request, 'csrfToken', {
        configurable: true,
        enumerable: true,
        get: () => (token ??= csrfTokenFor(secret, csrfBinding(ctx, request, reply, true)!)),
        set: (value: string) => { token = value; },
      });
    } else {
      const binding = csrfBinding(ctx, request, reply, false);
      request.csrfToken = binding ? csrfTokenFor(secret, binding) : '';
      if (isUnsafe && !csrfDeferredToRoute(request)) {
        const presented = (request.body as Record<string, unknown> | undefined)?.[csrfField] ?? request.headers[csrfHeader];
        if (!binding || !csrfTokenValid(secret, binding, presented)) throw csrfError();
      }
    }
    const permission = request.routeOptions.config.permission ?? 'public';
    if (permission === 'public') return;
    const actor = request.actor;
    if (permission === 'operator') {
      if (actor?.kind === 'operator') return;
      return denyAnonymous(request, reply, '/operator/sign-in');
    }
    if (permission === 'vet') {
      if (actor?.kind === 'vet') return;
      return denyAnonymous(request, reply, '/vet/sign-in');
    }
    if (actor?.kind !== 'staff') return denyAnonymous(request, reply, `${request.basePath}/hub/sign-in`);
    if (!can(actor.role, permission)) {
      throw new KonaError('KONA_ERR_FORBIDDEN', `Your role (${actor.role}) does not allow this. Ask an admin of this rescue if you need it.`);
    }
  };
}

function csrfError(): KonaError {
  return new KonaError('KONA_ERR_CSRF', 'This form had expired or came from another site, so nothing was changed. Go back, reload the page and send it again.');
}

// A multipart body is streamed by its route, not parsed before this hook, so its `_csrf` field
// cannot be read here. Only a route that opts in (`config.csrf: 'in-route'`) may take the check
// over, and only for a multipart request without the header; it must call `assertCsrf` before it
// touches any file. Every other request is checked here as before.
function csrfDeferredToRoute(request: FastifyRequest): boolean {
  return (
    request.routeOptions.config.csrf === 'in-route' &&
    request.headers[csrfHeader] === undefined &&
    /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')
  );
}

/** For a route with `config.csrf: 'in-route'`: throws KONA_ERR_CSRF unless `presented` is this visitor's token. */
export function assertCsrf(request: FastifyRequest, presented: unknown): void {
  const expected = request.csrfToken;
  if (!expected || typeof presented !== 'string' || !safeEqual(expected, presented)) throw csrfError();
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'in-route': a multipart upload route checks the CSRF token itself (see assertCsrf). */
    csrf?: 'in-route';
    /** false: the route answers with bytes, never a page (photo variants), so no rescue settings are read for it. */
    frame?: false;
  }
}

function denyAnonymous(request: FastifyRequest, reply: FastifyReply, signIn: string) {
  if (request.method === 'GET' && !wantsJson(request)) {
    return reply.redirect(`${signIn}?next=${encodeURIComponent(request.url.replace(/^\/r\/[^/]+/, request.basePath))}`, 303);
  }
  throw new KonaError('KONA_ERR_UNAUTHENTICATED', 'Please sign in first; your session may have ended.');
}
