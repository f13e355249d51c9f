import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../src/platform/http/context.js';
import type { Permission } from '../../src/platform/http/permissions.js';

/** One registered route as a test walks it: method, full URL pattern and declared permission. */
export interface RegisteredRoute {
  method: string;
  url: string;
  permission: Permission | undefined;
}

/** Where a route is mounted, which decides the guard that runs before it. */
export type RouteScope = 'tenant' | 'operator' | 'vet' | 'root';

type ServerModule = typeof import('../../src/platform/http/server.js');

const recorded = new WeakMap<AppContext, RegisteredRoute[]>();

/**
 * Wraps the server module so that every server built records its routes through an `onRoute`
 * hook installed first in `setup` (before any route exists). Use it from a `vi.mock` factory, so
 * the app the harness builds, exactly as production builds it, is the one walked.
 */
export function recordingRoutes(mod: ServerModule): ServerModule {
  return {
    ...mod,
    buildServer: (ctx, routes, options = {}) => {
      const list: RegisteredRoute[] = [];
      recorded.set(ctx, list);
      return mod.buildServer(ctx, routes, {
        ...options,
        setup: (app) => {
          app.addHook('onRoute', (route) => {
            // Fastify adds a HEAD twin for every GET; walking the GET covers it.
            for (const method of [route.method].flat()) {
              if (method !== 'HEAD') list.push({ method, url: route.url ?? route.path, permission: route.config?.permission });
            }
          });
          options.setup?.(app);
        },
      });
    },
  };
}

/** The routes of the last server built on this context (needs {@link recordingRoutes} mocked in). */
export function routesOf(ctx: AppContext): RegisteredRoute[] {
  const list = recorded.get(ctx);
  if (!list) throw new Error('No routes recorded: vi.mock the server module with recordingRoutes first');
  return list;
}

/** Which guard a route sits behind. */
export function scopeOf(url: string): RouteScope {
  if (url === '/r/:tenant' || url.startsWith('/r/:tenant/')) return 'tenant';
  if (url === '/operator' || url.startsWith('/operator/')) return 'operator';
  if (url === '/vet' || url.startsWith('/vet/')) return 'vet';
  return 'root';
}

/** A plausible dummy for a path parameter: ids look like ids, tokens are random, slugs unknown. */
function dummyFor(name: string, previousSegment: string, tenant: string): string {
  if (name === 'tenant') return tenant;
  if (/token/i.test(name)) return randomBytes(24).toString('base64url');
  if (/job/i.test(name) || /job/i.test(previousSegment)) return '424242';
  if (/slug/i.test(name)) return 'no-such-rescue';
  if (/file/i.test(name)) return 'no-such-file.css';
  return '00000000-0000-4000-8000-000000000000';
}

/** Fills a route pattern's parameters (`:name`, `:name(regex)`, `*`) with dummies; `:tenant` gets the slug. */
export function fillPath(url: string, tenant: string): string {
  const segments = url.split('/');
  return segments
    .map((segment, i) =>
      segment === '*'
        ? 'anything'
        : segment.replace(/:(\w+)(\((?:\\.|[^)])*\))?/g, (_m, name: string, regex: string | undefined) =>
            regex && /^\(\^?\\d[+*]\$?\)$/.test(regex) ? '424242' : dummyFor(name, segments[i - 1] ?? '', tenant),
          ),
    )
    .join('/');
}
