/**
 * `kona llm-serve`: an OpenAI-compatible server over the CPU engine (llama.cpp through
 * node-llama-cpp). `/v1/chat/completions` (whole or streamed as SSE, `response_format` json_schema
 * or json_object as a grammar, `max_tokens`, `temperature`, `top_p`, `seed`, `stop`, `usage`),
 * `/v1/models`, `/health` and llama.cpp's `/slots`, so the dispatcher runs it as a backend of kind
 * `llamacpp`. Nothing of a prompt or an answer is logged.
 */
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { chatRequestSchema, describeIssue, errorBody, sendError } from '../openai.js';
import { LlmBusyError, LlmEngine, LlmRequestError, type EngineMessage, type GenerateRequest, type LlmEngineOptions } from './engine.js';

const part = z.looseObject({ type: z.string(), text: z.string().optional() })
  .refine((p) => p.type === 'text' && p.text !== undefined, 'only text parts: this model takes no images');
const llmMessage = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(part)]),
});

/** The body `llm-serve` accepts: the OpenAI chat request, with the sampling fields it honours. */
export const llmChatRequestSchema = chatRequestSchema.extend({
  messages: z.array(llmMessage).min(1).max(256),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
  n: z.literal(1).optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish(),
  response_format: z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({ type: z.literal('json_schema'), json_schema: z.looseObject({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()) }) }),
  ]).optional(),
});
type LlmChatRequest = z.infer<typeof llmChatRequestSchema>;

/** How to run the server. */
export interface LlmServerOptions extends LlmEngineOptions {
  host?: string;
  port?: number;
  /** The model id it answers to (default: the file's name without `.gguf`). */
  modelName?: string;
  logger?: Logger;
}

/** A listening server. */
export interface RunningLlmServer {
  app: FastifyInstance;
  engine: LlmEngine;
  modelName: string;
  /** Base URL without `/v1`. */
  url: string;
  /** Milliseconds the model took to load. */
  loadMs: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_TOKENS = 256;

/** Loads the model and starts serving; port 0 picks a free one. */
export async function startLlmServer(opts: LlmServerOptions): Promise<RunningLlmServer> {
  const started = performance.now();
  const engine = await LlmEngine.load(opts);
  const loadMs = performance.now() - started;
  const modelName = opts.modelName ?? path.basename(opts.modelPath).replace(/\.gguf$/i, '');
  const app = buildLlmApp(engine, modelName, opts.logger);
  const host = opts.host ?? '127.0.0.1';
  try {
    await app.listen({ port: opts.port ?? 0, host });
  } catch (err) {
    await engine.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  opts.logger?.info({ model: modelName, loadMs: Math.round(loadMs), slots: opts.slots, threads: opts.threads, contextSize: engine.contextSize, template: engine.chatWrapperName }, 'llm-serve model loaded');
  return {
    app, engine, modelName, loadMs, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      await app.close();
      await engine.close();
    },
  };
}

/** The HTTP routes over a loaded engine. */
export function buildLlmApp(engine: LlmEngine, modelName: string, logger?: Logger): FastifyInstance {
  // Fastify's own request logging is off: it would log URLs only, but keeping it off keeps bodies out for sure.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 4 * 1024 * 1024 });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) logger?.error({ err: { name: err.name, message: err.message } }, 'llm-serve request failed');
    return reply.code(status).send(errorBody(status, status < 500 ? err.message : 'internal error', status < 500 ? 'invalid_request' : undefined));
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `No route for ${req.method} ${req.url}`));

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/v1/models', async () => ({
    object: 'list', data: [{ id: modelName, object: 'model', created: 0, owned_by: 'kona-llm-serve', max_model_len: engine.contextSize }],
  }));
  // The shape of llama-server's /slots, which the dispatcher's llamacpp kind reads for load.
  app.get('/slots', async () => engine.state().slots.map((s) => ({
    id: s.id, id_task: s.busy ? s.id : -1, n_ctx: engine.contextSize, speculative: false, is_processing: s.busy,
    next_token: { has_next_token: s.busy, has_new_line: false, n_remain: -1, n_decoded: s.decoded },
  })));
  app.post('/v1/chat/completions', (req, reply) => chat(engine, modelName, logger, req, reply));
  return app;
}

async function chat(engine: LlmEngine, modelName: string, logger: Logger | undefined, request: FastifyRequest, reply: FastifyReply) {
  const parsed = llmChatRequestSchema.safeParse(request.body);
  if (!parsed.success) return sendError(reply, 400, describeIssue(parsed.error));
  const body = parsed.data;
  if (body.model !== modelName) return sendError(reply, 404, `The model \`${body.model}\` does not exist.`, 'model_not_found');
  const abort = new AbortController();
  const id = `chatcmpl-kona-${request.id}`;
  const created = Math.floor(Date.now() / 1000);
  const gen: GenerateRequest = {
    messages: body.messages.map((m): EngineMessage => ({ role: m.role, content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('') })),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS,
    temperature: body.temperature ?? 0.8,
    topP: body.top_p,
    seed: body.seed,
    stop: body.stop == null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop,
    format: formatOf(body),
    signal: abort.signal,
  };
  reply.raw.on('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
  const started = performance.now();
  const done = (r: { promptTokens: number; completionTokens: number; finishReason: string; aborted: boolean }) =>
    logger?.info({ model: modelName, promptTokens: r.promptTokens, completionTokens: r.completionTokens, finish: r.aborted ? 'cancelled' : r.finishReason, ms: Math.round(performance.now() - started) }, 'llm-serve chat completion');

  if (!body.stream) {
    try {
      const r = await engine.generate(gen);
      done(r);
      return reply.send({
        id, object: 'chat.completion', created, model: modelName,
        choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: r.finishReason }],
        usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens },
      });
    } catch (err) {
      return sendEngineError(reply, err);
    }
  }

  // Streaming: nothing is written until a slot starts generating, so queueing and bad schemas still
  // answer with a plain status code.
  const res = reply.raw;
  let opened = false;
  const chunk = (delta: object, finishReason: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelName, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
  const open = () => {
    if (opened) return;
    opened = true;
    reply.hijack();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(chunk({ role: 'assistant', content: '' }, null));
  };
  gen.onText = (text) => {
    open();
    if (!res.destroyed) res.write(chunk({ content: text }, null));
  };
  try {
    const r = await engine.generate(gen);
    done(r);
    open();
    finishStream(res, chunk({}, r.finishReason), body.stream_options?.include_usage
      ? `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelName, choices: [], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens } })}\n\n`
      : '');
    return reply;
  } catch (err) {
    if (!opened) return sendEngineError(reply, err);
    logger?.error({ err: { name: (err as Error).name } }, 'llm-serve stream failed');
    res.destroy();
    return reply;
  }
}

function finishStream(res: ServerResponse, last: string, usage: string): void {
  if (res.destroyed) return;
  res.write(last);
  if (usage) res.write(usage);
  res.end('data: [DONE]\n\n');
}

function formatOf(body: LlmChatRequest): GenerateRequest['format'] {
  const f = body.response_format;
  if (!f || f.type === 'text') return undefined;
  return f.type === 'json_object' ? { type: 'json' } : { type: 'json_schema', schema: f.json_schema.schema };
}

function sendEngineError(reply: FastifyReply, err: unknown) {
  if (err instanceof LlmRequestError) return sendError(reply, 400, err.message);
  if (err instanceof LlmBusyError) return sendError(reply.header('retry-after', '1'), 503, err.message);
  throw err;
}
