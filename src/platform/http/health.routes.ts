import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { vectorSupport } from '../db/driver.js';
import { selectTenants } from '../tenancy/tenants.queries.js';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

/** /healthz (the process answers) and /readyz (the control plane and every active tenant database answer). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  const { ctx } = app.kona;
  app.get('/healthz', { config: { permission: 'public' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { permission: 'public' } }, async (_request, reply) => {
    const checks: Record<string, { ok: boolean; error?: string; vector?: string }> = {};
    try {
      await withTimeout(sql`select 1`.execute(ctx.control.kysely), 2000);
      checks.control = { ok: true };
      const tenants = (await selectTenants(ctx.control.kysely)).filter((t) => t.status === 'active');
      await Promise.all(
        tenants.map(async (t) => {
          try {
            const handle = await withTimeout(ctx.tenants.get(t.slug), 5000);
            await withTimeout(sql`select 1`.execute(handle!.db.kysely), 2000);
            const vector = await vectorSupport(handle!.db);
            checks[`tenant:${t.slug}`] = { ok: true, vector: vector.available ? 'available' : `unavailable: ${vector.reason}` };
          } catch (err) {
            // The endpoint is public: say which check failed, keep the reason (hosts, users) in the log.
            app.log.warn({ tenant: t.slug, err: (err as Error).message }, 'readiness: tenant database unreachable');
            checks[`tenant:${t.slug}`] = { ok: false, error: 'database unreachable' };
          }
        }),
      );
    } catch (err) {
      app.log.warn({ err: (err as Error).message }, 'readiness: control plane unreachable');
      checks.control = { ok: false, error: 'database unreachable' };
    }
    const ready = Object.values(checks).every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
