/**
 * The dispatcher's HTTP service (`kona dispatcher`, or started inside `kona serve`): an
 * OpenAI-compatible API (`/v1/chat/completions` with SSE pass-through, `/v1/embeddings`,
 * `/v1/models`), `/metrics`, a status document (`/status`) and `/health`.
 *
 * Callers name their class and rescue in headers (`X-Kona-Priority`, `X-Kona-Tenant`); chat defaults
 * to interactive and embeddings to batch. Every refusal is an OpenAI-style error body. No request
 * body, prompt or output is logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ConfigWatcher, type ReloadResult } from '../config/config.watch.js';
import { chatRequestSchema, describeIssue, embeddingInputs, embeddingsRequestSchema, errorBody, type ChatRequest, type EmbeddingsRequest } from '../openai.js';
import { EMBEDDINGS_BODY_LIMIT } from '../embedder/data-url.js';
import { promptTokensFromChars } from '../scheduler/cost.js';
import type { DispatcherConfig, PriorityClass } from '../types.js';
import { priorityClasses } from '../types.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { forward, type ForwardRequest, type ResponseSink } from './forward.js';
import { DispatcherMetrics } from './metrics.js';

/** How to build the service: from a file (watched, reloadable) or a fixed configuration. */
export interface DispatcherServerOptions {
  configFile?: string;
  config?: DispatcherConfig;
  /** Requires `Authorization: Bearer <token>` on /v1 and /status when set. */
  token?: string;
  logger?: Logger;
  /** Most bytes in one request body (default 8 MiB: long prompts, batches of text embedding inputs). */
  bodyLimit?: number;
  /** Most bytes in one `/v1/embeddings` body (default EMBEDDINGS_BODY_LIMIT, 48 MiB: images as data URLs). */
  embeddingsBodyLimit?: number;
  /** Passed to the Dispatcher (tests turn off background probes to run rounds by hand, or pass a clock). */
  dispatcher?: Pick<DispatcherOptions, 'monitor' | 'recheckMs' | 'clock'>;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
  /** Called with the dispatcher's own time for each forwarded request (ms; see DispatcherMetrics.ownTime), e.g. by the benchmark. */
  onOwnTime?: (ms: number) => void;
}

/** A built service. */
export interface DispatcherServer {
  app: FastifyInstance;
  dispatcher: Dispatcher;
  metrics: DispatcherMetrics;
  /** Starts watching the configuration file and probing the fleet. */
  start(): void;
  /** Re-reads the configuration file (SIGHUP); a bad file keeps the old configuration. */
  reload(): ReloadResult;
  /** Stops accepting, lets requests finish for up to `graceMs` (default 0), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

/** A listening service. */
export interface RunningDispatcher extends DispatcherServer {
  /** Base URL without /v1, e.g. http://127.0.0.1:8090. */
  url: string;
}

/** The request bodies as received, for the route handlers (weakly held: gone with the request). */
const rawBodies = new WeakMap<FastifyRequest, string>();
/** When each request arrived (performance.now()), for the dispatcher's own time. */
const arrivals = new WeakMap<FastifyRequest, number>();

// Header checks by hand rather than zod: they run on every request.
const tenantPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;
function parsePriority(header: string | string[] | undefined, fallback: PriorityClass): PriorityClass | undefined {
  const value = header ?? fallback;
  return (priorityClasses as readonly unknown[]).includes(value) ? (value as PriorityClass) : undefined;
}

/** Builds the service (not listening); call `start()` of the result or use `startDispatcherServer`. */
export function buildDispatcherServer(opts: DispatcherServerOptions): DispatcherServer {
  const watcher = opts.configFile ? new ConfigWatcher(opts.configFile, { logger: opts.logger, clock: opts.dispatcher?.clock }) : undefined;
  const config = watcher?.current ?? opts.config;
  if (!config) throw new Error('buildDispatcherServer needs configFile or config');
  let dispatcher: Dispatcher | undefined;
  const metrics = new DispatcherMetrics(() => dispatcher, { defaults: opts.defaultMetrics });
  dispatcher = new Dispatcher(config, {
    ...opts.dispatcher,
    events: {
      ...metrics.events(),
      onTransition: (name, t) => {
        metrics.events().onTransition?.(name, t);
        opts.logger?.[t.to === 'open' ? 'warn' : 'info']({ backend: name, from: t.from, to: t.to, cause: t.cause, cooldownMs: t.cooldownMs }, 'backend breaker changed');
      },
    },
  });
  const d = dispatcher;
  watcher?.onChange((next) => d.applyConfig(next));

  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit ?? 8 * 1024 * 1024, forceCloseConnections: 'idle' });
  const embeddingsLimit = opts.embeddingsBodyLimit ?? EMBEDDINGS_BODY_LIMIT;
  // Only JSON is accepted: a JSON body sent as text/plain gets the same 415 as any other type.
  app.removeContentTypeParser('text/plain');
  // Fastify's own JSON parser (prototype poisoning refused), keeping the text: a valid body is sent
  // upstream as the client wrote it rather than serialised again.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    rawBodies.set(req, body as string);
    parseJson(req, body as string, done);
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) opts.logger?.error({ err: err.name, code: err.code }, 'dispatcher request failed');
    const message =
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'the body is not valid JSON'
      : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the body is larger than ${req.url.startsWith('/v1/embeddings') ? embeddingsLimit : opts.bodyLimit ?? 8 * 1024 * 1024} bytes`
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'send the body as application/json'
      : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty; send a JSON object'
      : status < 500 ? err.message : 'the dispatcher failed on this request';
    return reply.code(status).send(errorBody(status, message));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody(404, `no route for ${req.method} ${req.url.split('?')[0]}`)));

  const authorized = (req: FastifyRequest): boolean => {
    if (!opts.token) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${opts.token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };
  app.addHook('onRequest', async (req, reply) => {
    arrivals.set(req, performance.now());
    if ((req.url.startsWith('/v1/') || req.url.startsWith('/status')) && !authorized(req)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send(errorBody(401, 'missing or wrong bearer token', 'invalid_api_key'));
    }
  });

  const route = (path: ForwardRequest['path'], schema: typeof chatRequestSchema | typeof embeddingsRequestSchema, defaultClass: PriorityClass) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const arrivedAt = d.clock.now();
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send(errorBody(400, describeIssue(parsed.error)));
      const priority = parsePriority(req.headers['x-kona-priority'], defaultClass);
      if (!priority) return reply.code(400).send(errorBody(400, `X-Kona-Priority must be one of ${priorityClasses.join(', ')}`));
      const tenant = req.headers['x-kona-tenant'] ?? 'default';
      if (typeof tenant !== 'string' || !tenantPattern.test(tenant)) return reply.code(400).send(errorBody(400, 'X-Kona-Tenant must be a rescue slug (lower-case letters, digits, "-" or "_")'));
      const body = parsed.data as { model: string; stream?: boolean; max_tokens?: number; max_completion_tokens?: number };
      if (!d.hasModel(body.model)) return reply.code(404).send(errorBody(404, `no backend serves the model "${body.model}"`, 'model_not_found'));
      const stream = path === '/v1/chat/completions' && body.stream === true;
      reply.hijack();
      const res = reply.raw;
      const abort = new AbortController();
      res.on('close', () => { if (!res.writableFinished) abort.abort(); });
      const size = path === '/v1/embeddings'
        ? d.estimate(priority, inputTokens(parsed.data as EmbeddingsRequest), 0)
        : d.estimate(priority, chatPromptTokens(parsed.data as ChatRequest), body.max_completion_tokens ?? body.max_tokens);
      let elsewhere = 0;
      const add = (ms: number): void => { elsewhere += ms; };
      await forward({ dispatcher: d, metrics, onUpstream: add, onQueued: add }, {
        path, body: rawBodies.get(req) ?? JSON.stringify(parsed.data), model: body.model, priority: priority, tenant: tenant, stream, arrivedAt, size,
      }, rawSink(res), abort.signal);
      const own = Math.max(0, performance.now() - (arrivals.get(req) ?? performance.now()) - elsewhere);
      metrics.ownTime(own);
      opts.onOwnTime?.(own);
    };

  app.post('/v1/chat/completions', route('/v1/chat/completions', chatRequestSchema, 'interactive'));
  app.post('/v1/embeddings', { bodyLimit: embeddingsLimit }, route('/v1/embeddings', embeddingsRequestSchema, 'batch'));
  app.get('/v1/models', async () => ({
    object: 'list',
    data: d.models().map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: 'kona-dispatcher', available: m.available })),
  }));
  app.get('/status', async () => ({ ...d.status(), config: { file: watcher?.file ?? null } }));
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  return {
    app,
    dispatcher: d,
    metrics,
    reload: () => (watcher ? watcher.reload() : { status: 'unchanged' }),
    async close(graceMs = 0) {
      watcher?.close();
      const closing = app.close();
      const timer = d.clock.setTimer(() => app.server.closeAllConnections(), graceMs);
      await closing;
      d.clock.clearTimer(timer);
      await d.stop();
    },
    start() {
      watcher?.start();
      d.start();
    },
  };
}

/** Builds, watches the file (if any), starts probing and listens; port 0 picks a free one. */
export async function startDispatcherServer(opts: DispatcherServerOptions & { host?: string; port?: number }): Promise<RunningDispatcher> {
  const server = buildDispatcherServer(opts);
  const host = opts.host ?? '127.0.0.1';
  await server.app.listen({ host, port: opts.port ?? 0 });
  server.start();
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  return { ...server, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/** Prompt tokens of a chat request, estimated from its characters (no string is built). */
function chatPromptTokens(req: ChatRequest): number {
  let chars = 0;
  for (const m of req.messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else for (const part of m.content ?? []) chars += part.text?.length ?? 0;
  }
  return promptTokensFromChars(chars, req.messages.length);
}

/** Tokens of an embeddings request's input; an image counts as a small vision encoder's 256 patches. */
function inputTokens(req: EmbeddingsRequest): number {
  let chars = 0;
  for (const i of embeddingInputs(req)) chars += i.kind === 'text' ? i.text.length : IMAGE_CHARS;
  return promptTokensFromChars(chars, 0);
}
const IMAGE_CHARS = 1024;

/** Adapts a raw Node response to the forwarding sink (headers once, backpressure honoured). */
function rawSink(res: ServerResponse): ResponseSink {
  return {
    send(status, body, headers = {}) {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
      res.end(body);
    },
    startStream() {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      res.flushHeaders();
    },
    write(chunk) {
      if (res.destroyed) return Promise.resolve();
      if (res.write(chunk)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}
