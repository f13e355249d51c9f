/**
 * The triage service's HTTP side (`kona triage`): `POST /alertmanager` takes Alertmanager's webhook,
 * keeps every authenticated body (a malformed one as an invalid delivery, answered 400 with what
 * is wrong), and hands valid ones to the engine, passes over different alerts in parallel; `/api/*` and `/` show what was
 * received and decided; `/health` and `/metrics` are open for probes and scrapes.
 *
 * Alertmanager delivers at least once (HA peers, retries): every copy is stored and the engine
 * decides which are duplicates. Annotations, bodies and credentials are never logged.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Logger } from 'pino';
import { z } from 'zod';
import { authorized, authRequired, challenges, type TriageAuth } from './ingest/auth.js';
import { PassLocks } from './ingest/locks.js';
import { bodySha256, describeProblems, parseWebhook } from './ingest/payload.js';
import { TriageMetrics } from './metrics.js';
import { defaultPageSize, maxPageSize, type TriageStore } from './store/store.js';
import type { Decision, Delivery, TriageMode } from './types.js';
import { renderTriagePage } from './views.js';

/** What decides about a delivery (the engine; any object with this method will do). */
export interface DeliveryProcessor {
  process(delivery: Delivery, now: number): Promise<Decision[]>;
  /**
   * What a pass over the delivery reads and writes (engine/lock-keys.ts): passes with no key in
   * common run in parallel. Without it, every pass runs alone.
   */
  lockKeys?(delivery: Delivery): readonly string[];
  /** True when `process` marks the delivery processed itself (the engine's pass over the SQL state does, in its one write). */
  marksProcessed?: boolean;
}

/** How to build the service. */
export interface TriageServerOptions {
  store: TriageStore;
  engine?: DeliveryProcessor;
  auth: TriageAuth;
  logger: Logger;
  /** The policy's mode, shown on the page (default observe). */
  mode?: () => TriageMode;
  /** The triage clock in ms (tests pin it). */
  now?: () => number;
  /** Most bytes in one webhook body (default 1 MiB). */
  bodyLimit?: number;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
  /** Mounts more routes (actions API, escalation ack links) on the app before it listens. */
  register?: (app: FastifyInstance) => void;
  /** Path prefixes reachable without credentials: ack links carry their own single-use token. */
  openPrefixes?: string[];
  /** More sections for the page (actions, escalations, diagnoses), rendered after the decisions. */
  pageSections?: () => Promise<ComponentChildren>;
}

/** A built service. */
export interface TriageServer {
  app: FastifyInstance;
  metrics: TriageMetrics;
  /** Runs `fn` alone: after the engine's passes in progress, before any later one (work that reads and updates all of the state). */
  serially<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A listening service. */
export interface RunningTriageServer extends TriageServer {
  url: string;
}

const open = new Set(['/health', '/metrics']);
const cursor = z.string().regex(/^\d{1,18}$/, 'expected an id from an earlier page');
const limit = z.coerce.number().int('expected a whole number').min(1).transform((n) => Math.min(n, maxPageSize)).optional();
const deliveriesQuery = z.object({ limit, before: cursor.optional(), valid: z.enum(['true', 'false']).optional() });
const alertsQuery = z.object({ limit, offset: z.coerce.number().int().min(0).max(100_000).optional(), status: z.enum(['firing', 'resolved']).optional() });
const decisionsQuery = z.object({ limit, before: cursor.optional() });

/** What the route handlers share. */
interface Context {
  store: TriageStore;
  engine?: DeliveryProcessor;
  logger: Logger;
  metrics: TriageMetrics;
  now: () => number;
  bodyLimit: number;
  /** Keeps passes over the same alerts (and exclusive work) apart: the engine reads, then writes, their state. */
  locks: PassLocks;
}

/** Builds the service (not listening); see `startTriageServer`. */
export function buildTriageServer(opts: TriageServerOptions): TriageServer {
  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;
  const ctx: Context = {
    store: opts.store, engine: opts.engine, logger: opts.logger, now: opts.now ?? Date.now, bodyLimit,
    metrics: new TriageMetrics({ defaults: opts.defaultMetrics }), locks: new PassLocks(),
  };
  if (!authRequired(opts.auth)) opts.logger.warn('triage accepts webhooks without credentials: set a bearer token or basic auth');

  const app = Fastify({ logger: false, bodyLimit, forceCloseConnections: 'idle' });
  // The raw bytes are what is hashed and kept, whatever the media type: parse nothing here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler(ctx));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}`, problems: [] }));
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (open.has(path) || opts.openPrefixes?.some((p) => path.startsWith(p))) return;
    if (authorized(opts.auth, req.headers.authorization)) return;
    return reply.code(401).header('www-authenticate', challenges(opts.auth)).send({ error: 'missing or wrong credentials', problems: [] });
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
  });

  app.post('/alertmanager', ingestHandler(ctx));
  registerReadRoutes(app, ctx, opts.mode ?? (() => 'observe'), opts.pageSections);
  opts.register?.(app);
  app.get('/health', async (_req, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', error: 'the triage database does not answer' });
    }
  });
  app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()));

  return {
    app,
    metrics: ctx.metrics,
    serially: (fn) => ctx.locks.exclusive(fn),
    async close() {
      await app.close();
      await ctx.locks.idle();
    },
  };
}

/** Errors as `{ error, problems }`; a webhook refused before its body was read is still recorded. */
function errorHandler(ctx: Context) {
  return async (err: Error & { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply) => {
    const unread = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? { status: 413, problem: `body: larger than ${ctx.bodyLimit} bytes; not kept` }
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? { status: 415, problem: 'content-type: not a media type; body not kept' }
      : undefined;
    if (unread && req.url.startsWith('/alertmanager')) {
      // The bytes were never read, but the attempt shows among invalid deliveries.
      const empty = Buffer.alloc(0);
      const { id } = await ctx.store.saveDelivery({ body: empty, bodySha256: bodySha256(empty), receivedAt: ctx.now(), parsed: { ok: false, problems: [unread.problem] } });
      ctx.metrics.deliveries.inc({ validity: 'invalid' });
      ctx.logger.warn({ deliveryId: id, status: unread.status }, 'webhook body refused unread');
      return reply.code(unread.status).send({ error: 'not a valid Alertmanager webhook delivery', problems: [unread.problem], deliveryId: id });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) ctx.logger.error({ err: err.name, code: err.code, path: req.url.split('?')[0] }, 'triage request failed');
    return reply.code(status).send({ error: status < 500 ? err.message : 'the triage service failed on this request', problems: [] });
  };
}

/** POST /alertmanager: store every body, answer 400 for a malformed one, else run the engine. */
function ingestHandler(ctx: Context) {
  const { store, engine, logger, metrics } = ctx;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const receivedAt = ctx.now();
    const started = performance.now();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const parsed = parseWebhook(body);
    const saved = await store.saveDelivery({ body, bodySha256: bodySha256(body), receivedAt, parsed });
    metrics.deliveries.inc({ validity: parsed.ok ? 'valid' : 'invalid' });
    if (!parsed.ok || !saved.delivery) {
      const problems = parsed.ok ? [] : parsed.problems;
      logger.warn({ deliveryId: saved.id, problems: problems.length, bytes: body.length }, 'invalid webhook body kept');
      return reply.code(400).send({ error: 'not a valid Alertmanager webhook body (version 4)', problems, deliveryId: saved.id });
    }
    for (const m of parsed.mismatches) {
      logger.warn({ deliveryId: saved.id, alertname: m.alertname, sent: m.sent, computed: m.computed }, 'alert fingerprint differs from the one recomputed from its labels');
    }
    metrics.mismatches.inc(parsed.mismatches.length);
    metrics.truncated.inc(parsed.payload.truncatedAlerts);
    const delivery = saved.delivery;
    if (!engine) return { deliveryId: delivery.id, alerts: delivery.alerts.length, decisions: 0 };
    try {
      // Marked processed inside the pass's locks: a resend waiting on the same keys then finds it.
      const pass = async () => {
        const out = await engine.process(delivery, receivedAt);
        if (!engine.marksProcessed) await store.markProcessed(delivery.id, ctx.now(), out.length);
        return out;
      };
      const decisions = await (engine.lockKeys ? ctx.locks.withKeys(engine.lockKeys(delivery), pass) : ctx.locks.exclusive(pass));
      metrics.decisionSeconds.observe((performance.now() - started) / 1000);
      for (const d of decisions) metrics.alerts.inc({ route: d.route });
      return { deliveryId: delivery.id, alerts: delivery.alerts.length, decisions: decisions.length };
    } catch (err) {
      metrics.engineFailures.inc();
      logger.error({ deliveryId: delivery.id, err: (err as Error).name, message: (err as Error).message }, 'triage engine failed on a delivery');
      // 5xx makes Alertmanager retry; the retry is no duplicate, as this copy is not marked processed.
      return reply.code(500).send({ error: 'triage failed on this delivery; it is kept and a retry will be decided', problems: [], deliveryId: delivery.id });
    }
  };
}

/** The JSON API and the page. */
function registerReadRoutes(app: FastifyInstance, ctx: Context, mode: () => TriageMode, sections?: () => Promise<ComponentChildren>): void {
  const { store } = ctx;
  const query = <S extends z.ZodType>(schema: S, req: FastifyRequest, reply: FastifyReply): z.infer<S> | undefined => {
    const parsed = schema.safeParse(req.query);
    if (parsed.success) return parsed.data;
    void reply.code(400).send({ error: 'invalid query', problems: describeProblems(parsed.error) });
    return undefined;
  };
  const full = (n: number, limit: number | undefined) => n > 0 && n === (limit ?? defaultPageSize);

  app.get('/api/deliveries', async (req, reply) => {
    const q = query(deliveriesQuery, req, reply);
    if (!q) return reply;
    const deliveries = await store.listDeliveries({ limit: q.limit, before: q.before, valid: q.valid === undefined ? undefined : q.valid === 'true' });
    return { deliveries, next: full(deliveries.length, q.limit) ? deliveries.at(-1)!.id : null };
  });
  app.get<{ Params: { id: string } }>('/api/deliveries/:id/body', async (req, reply) => {
    const body = await store.deliveryBody(req.params.id);
    if (!body) return reply.code(404).send({ error: `no delivery ${req.params.id}`, problems: [] });
    // Served as a download, never as a page: it is whatever the sender posted.
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="delivery-${req.params.id}.json"`).send(Buffer.from(body));
  });
  app.get('/api/alerts', async (req, reply) => {
    const q = query(alertsQuery, req, reply);
    if (!q) return reply;
    const alerts = await store.listAlerts(q);
    return { alerts, next: full(alerts.length, q.limit) ? String((q.offset ?? 0) + alerts.length) : null };
  });
  app.get('/api/decisions', async (req, reply) => {
    const q = query(decisionsQuery, req, reply);
    if (!q) return reply;
    const decisions = await store.listDecisions(q);
    return { decisions, next: full(decisions.length, q.limit) ? decisions.at(-1)!.seq : null };
  });

  app.get('/', async (_req, reply) => {
    const [decisions, firing, invalid, more] = await Promise.all([
      store.listDecisions({ limit: 50 }),
      store.listAlerts({ status: 'firing', limit: 200 }),
      store.listDeliveries({ valid: false, limit: 20 }),
      sections?.(),
    ]);
    const html = renderTriagePage({ mode: mode(), deciding: ctx.engine !== undefined, now: ctx.now(), decisions, firing, invalid, sections: more });
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
      .header('referrer-policy', 'no-referrer')
      .send(html);
  });
}

/** Builds and listens; port 0 picks a free one. The caller closes the store after the server. */
export async function startTriageServer(opts: TriageServerOptions & { host?: string; port?: number }): Promise<RunningTriageServer> {
  const server = buildTriageServer(opts);
  const host = opts.host ?? '127.0.0.1';
  await server.app.listen({ host, port: opts.port ?? 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  return { ...server, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
