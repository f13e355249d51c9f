import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../platform/clock/clock.js';
import type { Config } from '../platform/config/config.js';
import { buildServer } from '../platform/http/server.js';
import { JobRunner, jobSource } from '../platform/jobs/index.js';
import { registerMetrics } from '../platform/metrics/metrics.plugin.js';
import { adminSocketPath, listenAdmin } from '../platform/runtime/admin-socket.js';
import { acquireLock } from '../platform/runtime/lock.js';
import { listTenants } from '../platform/tenancy/tenants.service.js';
import { createDemoRescue, runAdminCommand } from './admin-commands.js';
import { startInference, type Inference } from './inference.js';
import { featureRoutes } from './routes.js';
import { openRuntime, sweepUploadsAtStart, type Runtime } from './runtime.js';

/** Builds the web app on an opened runtime (tests use this with inject()). */
export async function buildWebApp(rt: Runtime, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const { metrics } = rt;
  const app = await buildServer(rt.ctx, featureRoutes, {
    logger: options.logger,
    setup: (a) =>
      registerMetrics(a, metrics, {
        token: rt.ctx.config.settings.KONA_METRICS_TOKEN,
        tenantOf: (req) => (req.tenant ? metrics.tenantLabel(req.tenant.slug) : undefined),
      }),
  });
  rt.ctx.onTenantsChanged = () => app.kona.hosts.refresh();
  return app;
}

/** The job runner over the control plane and every open tenant database. */
export async function createJobRunner(rt: Runtime, logger: Logger): Promise<JobRunner> {
  const clock = rt.ctx.clock ?? systemClock;
  let opened: ReturnType<typeof jobSource>[] = [];
  let refreshedAt = 0;
  const refresh = async () => {
    // Open every active tenant so its jobs run even if nobody has visited its site yet.
    for (const t of await listTenants({ control: rt.ctx.control.kysely })) if (t.status === 'active') await rt.ctx.tenants.get(t.slug).catch(() => undefined);
    opened = (await rt.ctx.tenants.opened()).map((h) => jobSource(h.slug, h.db));
  };
  await refresh();
  refreshedAt = clock.now();
  const runner = new JobRunner({
    registry: rt.jobs,
    logger: logger.child({ component: 'jobs' }),
    pollMs: rt.ctx.config.settings.KONA_JOB_POLL_MS,
    clock,
    sources: () => {
      // New or re-enabled tenants join within ten seconds; listing them every poll would be waste.
      if (clock.now() - refreshedAt > 10_000) {
        refreshedAt = clock.now();
        void refresh().catch((err: Error) => logger.warn({ err: err.message }, 'job runner could not list tenants'));
      }
      return [jobSource('control', rt.ctx.control), ...opened];
    },
  });
  return runner;
}

/**
 * `kona serve`: the web server, and on a single box the job runner and the admin socket the CLI
 * talks to. SIGTERM stops taking new connections, lets in-flight requests finish, then closes
 * the databases. `options.clock` is the time the app judges sessions, grants and limits by (tests
 * move it; production leaves it out for the system clock).
 */
export async function serve(config: Config, logger: Logger, options: { clock?: Clock } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const started = Date.now();
  const socket = adminSocketPath(config.dataDir);
  const lock = config.embeddedControlPlane ? acquireLock(config.dataDir, { role: 'serve', socket }) : { release: () => {} };
  if ('heldBy' in lock) {
    throw new Error(`Kona is already running on ${config.dataDir} (pid ${lock.heldBy.pid}). Stop it first, or use the kona CLI, which talks to it.`);
  }
  let rt: Runtime | undefined;
  let inference: Inference | undefined;
  try {
    rt = await openRuntime(config, logger, { clock: options.clock });
    await sweepUploadsAtStart(rt);
    inference = await startInference(config, logger);
    rt.ctx.inference = inference.client;
    if (inference.registry) rt.metrics.addRegistry(inference.registry);
    const demo = config.settings.KONA_DEMO && (await listTenants({ control: rt.ctx.control.kysely })).length === 0 ? await createDemoRescue(rt) : undefined;
    const app = await buildWebApp(rt);
    let stopping = false;
    // A keep-alive connection whose request was in flight at SIGTERM would sit idle afterwards and
    // hold app.close() open until the grace period ran out: answers sent while stopping close it.
    app.addHook('onSend', async (_request, reply, payload) => {
      if (stopping) reply.header('connection', 'close');
      return payload;
    });
    app.kona.hosts.start(10_000, (err) => logger.warn({ err: (err as Error).message }, 'hostname refresh failed'));
    const address = await app.listen({ host: config.settings.KONA_HOST, port: config.settings.KONA_PORT });
    const admin = config.embeddedControlPlane ? await listenAdmin(socket, (req) => runAdminCommand(rt!, req)) : undefined;
    const runner = config.settings.KONA_JOBS ? await createJobRunner(rt, logger) : undefined;
    runner?.start();
    const port = Number(new URL(address).port);
    const url = config.settings.KONA_PUBLIC_URL ?? `http://localhost:${port}`;
    // With port 0 the real address is known only now; links built later (invitations) need it.
    config.publicUrl = new URL(url);
    if (demo) {
      // Printed to the terminal once, never logged: this is the only place the password appears.
      process.stdout.write(
        `\n  A demo rescue was created. Sign in to its hub at ${new URL(`/r/${demo.slug}/hub/sign-in`, url)}\n  as ${demo.email} with password ${demo.password}\n  (shown only now; change it under Password once signed in)\n\n`,
      );
    }
    logger.info({ url, startupMs: Date.now() - started }, 'Kona is serving');
    const runtime = rt;
    return {
      url,
      stop: async () => {
        stopping = true;
        const grace = setTimeout(() => {
          logger.warn('in-flight requests did not finish within the grace period; closing anyway');
          app.server.closeAllConnections();
        }, config.settings.KONA_SHUTDOWN_GRACE_SECONDS * 1000);
        await app.close();
        clearTimeout(grace);
        app.kona.hosts.stop();
        await runner?.stop();
        await admin?.close();
        await inference?.close();
        await runtime.close();
        lock.release();
      },
    };
  } catch (err) {
    await inference?.close();
    await rt?.close();
    lock.release();
    throw err;
  }
}
