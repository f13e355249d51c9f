import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { loggerOptions } from '../logging/logger.js';
import { Assets } from './assets.js';
import type { AppContext } from './context.js';
import { registerErrorHandling, sendError } from './errors.js';
import { KonaError } from '../errors/errors.js';
import { accessGuard, hostTenantMarker, loadRescueSettings, operatorResolver, tenantResolver, vetResolver } from './guards.js';
import { HostMap } from './host-map.js';
import { pageContextFor } from './page.js';
import { isPermission } from './permissions.js';
import { refuseControlCharacters } from './text-input.js';

/** Route plugins of the features, grouped by where they mount. */
export interface FeatureRoutes {
  /** Mounted at the root: health, metrics, the landing page. */
  root?: FastifyPluginAsync[];
  /** Mounted under `/r/:tenant` (and on each tenant's own hostname). */
  tenant: FastifyPluginAsync[];
  /** Mounted under `/operator`. */
  operator?: FastifyPluginAsync[];
  /** Mounted under `/vet`: the vet care-team pages. */
  vet?: FastifyPluginAsync[];
}

/** Shared pieces routes reach through `app.kona`. */
export interface KonaDecorations {
  ctx: AppContext;
  assets: Assets;
  page: ReturnType<typeof pageContextFor>;
  hosts: HostMap;
}

declare module 'fastify' {
  interface FastifyInstance {
    kona: KonaDecorations;
  }
}

/**
 * Builds the web app. Tenancy by construction: tenant routes live in one encapsulated scope whose
 * first hook resolves the tenant from the path (or hostname) and nothing else can set it.
 */
export async function buildServer(
  ctx: AppContext,
  routes: FeatureRoutes,
  options: { logger?: boolean; setup?: (app: FastifyInstance) => void } = {},
): Promise<FastifyInstance> {
  const hosts = new HostMap(ctx.control.kysely);
  await hosts.refresh();
  const app = Fastify({
    logger: options.logger === false ? false : { ...loggerOptions(ctx.config.settings.KONA_LOG_LEVEL), serializers: safeSerializers },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: ctx.config.settings.KONA_TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    // A request on a tenant's own hostname is served by the same routes as /r/<slug>/…
    rewriteUrl: (req) => {
      delete req.headers[hostTenantMarker];
      const slug = hosts.lookup(req.headers.host);
      if (!slug) return req.url ?? '/';
      req.headers[hostTenantMarker] = slug;
      return `/r/${slug}${req.url ?? '/'}`;
    },
  });
  const assets = new Assets();
  const page = pageContextFor(assets);
  app.decorate('kona', { ctx, assets, page, hosts });
  app.decorateRequest('basePath', '');
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('siteNotices', null as unknown as string[]);
  app.addHook('onRoute', (route) => {
    if (!isPermission(route.config?.permission) && route.method !== 'HEAD') {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no permission (config.permission)`);
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    // Without a charset a browser may guess the encoding of a page (and mangle a name); sendPage sets it, this catches the rest.
    if (reply.getHeader('content-type') === 'text/html') reply.header('content-type', 'text/html; charset=utf-8');
    return payload;
  });
  options.setup?.(app);
  await app.register(cookie);
  await app.register(formbody);
  // Root hooks run before every scope's own: no control character reaches the tenant resolver or a handler.
  refuseControlCharacters(app);
  registerErrorHandling(app, (r) => page(r, 'error'), loadRescueSettings);
  assets.register(app);
  for (const plugin of routes.root ?? []) await app.register(plugin);
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', tenantResolver(ctx));
      scope.addHook('preValidation', accessGuard(ctx));
      // A missing page inside a rescue's site still wears that rescue's frame and links home there.
      scope.setNotFoundHandler((request, reply) =>
        sendError(request, reply, new KonaError('KONA_ERR_NOT_FOUND', 'There is no page at this address. Check the link, or start from the home page.'), (r) => page(r, 'public')),
      );
      for (const plugin of routes.tenant) await scope.register(plugin);
    },
    { prefix: '/r/:tenant' },
  );
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', operatorResolver(ctx));
      scope.addHook('preValidation', accessGuard(ctx));
      for (const plugin of routes.operator ?? []) await scope.register(plugin);
    },
    { prefix: '/operator' },
  );
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', vetResolver(ctx));
      scope.addHook('preValidation', accessGuard(ctx));
      for (const plugin of routes.vet ?? []) await scope.register(plugin);
    },
    { prefix: '/vet' },
  );
  return app;
}

// Request lines carry method, route and ids only: never query strings (tokens), cookies or bodies.
const safeSerializers = {
  req(req: { method: string; url: string; id: string; routeOptions?: { url?: string } }) {
    return { method: req.method, url: req.url.split('?')[0]!.replace(/\/invite\/[^/]+/, '/invite/[token]').replace(/\/contracts\/[^/]+/, '/contracts/[token]').replace(/\/reset-password\/[^/]+/, '/reset-password/[token]'), id: req.id };
  },
  res(res: { statusCode: number }) {
    return { statusCode: res.statusCode };
  },
};
