import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';

export interface MetricsRouteOptions {
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  token?: string;
  /** The request's tenant slug, if any; labelled through metrics.tenantLabel. */
  tenantOf: (request: FastifyRequest) => string | undefined;
}

/** Route label for requests no route matched (never the raw URL, to bound cardinality). */
export const UNMATCHED_ROUTE = 'unmatched';
/** Tenant label for requests outside any tenant. */
export const NO_TENANT = 'none';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares the Authorization header with `Bearer <token>` in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

/** Records every response in the HTTP histogram and serves the registry at GET /metrics. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, options: MetricsRouteOptions): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    const slug = options.tenantOf(request);
    metrics.httpDuration.observe(
      {
        method: request.method,
        route,
        status_code: String(reply.statusCode),
        tenant: slug === undefined ? NO_TENANT : metrics.tenantLabel(slug),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { config: { permission: 'public' } }, async (request, reply) => {
    if (options.token !== undefined && !bearerMatches(request.headers.authorization, options.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain').send('Unauthorized\n');
    }
    const body = await metrics.text();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
