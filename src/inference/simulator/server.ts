/**
 * The simulated GPU backend's HTTP server (`kona sim-backend`): OpenAI-compatible completions and
 * embeddings over a GpuModel, `/health`, `/v1/models`, metrics in vLLM's or llama.cpp's format (with
 * llama.cpp's `/slots`), or Ollama's `/api/version`, `/api/tags` and `/api/ps` instead of `/health`, and
 * an admin endpoint (`/sim/faults`) that switches faults at run time.
 */
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import { chatHandler, embeddingsHandler } from './completions.js';
import { EMBEDDINGS_BODY_LIMIT } from '../embedder/data-url.js';
import { faultsSchema, type SimFaults } from './faults.js';
import { llamacppMetrics, vllmMetrics, type SimFlavour } from './metrics.js';
import { GpuModel, type GpuTiming } from './model.js';
import { registerOllamaApi } from './ollama.js';
import { describeIssue, errorBody, sendError } from '../openai.js';

/** How to build a simulated backend. */
export interface SimBackendOptions {
  flavour?: SimFlavour;
  modelName?: string;
  timing?: Partial<GpuTiming>;
  /** Time for the GPU model's steps and the refusal window (default: the system clock). */
  clock?: Clock;
  embeddingDim?: number;
}

/** A built (not yet listening) simulated backend. */
export interface SimBackend {
  app: FastifyInstance;
  model: GpuModel;
  /** Replaces the fault set (an empty object heals everything). */
  setFaults(faults: SimFaults): void;
  /** The fault set in force. */
  faults(): SimFaults;
}

/** Builds the server and its GPU model; call `app.listen` (or use `startSimBackend`). */
export function buildSimBackend(opts: SimBackendOptions = {}): SimBackend {
  const flavour = opts.flavour ?? 'vllm';
  const modelName = opts.modelName ?? 'sim-model';
  const clock = opts.clock ?? systemClock;
  const model = new GpuModel(opts.timing, clock);
  // forceCloseConnections: hanging and stalled requests must not keep close() waiting.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: EMBEDDINGS_BODY_LIMIT });
  let faults: SimFaults = {};
  let refusingUntil = 0;
  const sockets = new Set<Socket>();

  app.server.on('connection', (socket: Socket) => {
    if (clock.now() < refusingUntil) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const setFaults = (next: SimFaults, keep?: Socket) => {
    faults = { ...next };
    model.setSlowdown(next.slowdown ?? 1);
    refusingUntil = next.refuseForMs ? clock.now() + next.refuseForMs : 0;
    if (next.refuseForMs) for (const s of sockets) if (s !== keep) s.destroy();
  };

  const takeFaults = (): SimFaults => {
    const current = faults;
    if (current.errorStatus && current.errorCount !== undefined) {
      const left = current.errorCount - 1;
      faults = left > 0 ? { ...current, errorCount: left } : { ...current, errorStatus: undefined, errorCount: undefined };
    }
    return current;
  };

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    return reply.code(status).send(errorBody(status, err.message, status < 500 ? 'invalid_request' : undefined));
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `No route for ${req.method} ${req.url}`));

  const ctx = { model, modelName, embeddingDim: opts.embeddingDim ?? 64, takeFaults, now: () => clock.now() };
  app.post('/v1/chat/completions', chatHandler(ctx));
  app.post('/v1/embeddings', embeddingsHandler(ctx));
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [{ id: modelName, object: 'model', created: 0, owned_by: 'kona-sim', max_model_len: model.timing.kvTokenBudget }],
  }));
  // Health stays green under every fault but refused connections: that is how real servers fail.
  // Ollama has no /health (it answers 404 there, as the real one does).
  if (flavour !== 'ollama') app.get('/health', async () => ({ status: 'ok' }));

  if (flavour === 'vllm') {
    app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(vllmMetrics(model.snapshot(), modelName)));
  } else if (flavour === 'llamacpp') {
    app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(llamacppMetrics(model.snapshot(), model.timing.kvTokenBudget)));
    // The shape of llama-server's documented /slots (tools/server/README.md), without its sampling params.
    app.get('/slots', async () => model.snapshot().slots.map((s) => ({
      id: s.id, id_task: s.busy ? s.id : -1, n_ctx: model.timing.kvTokenBudget, speculative: false, is_processing: s.busy,
      next_token: { has_next_token: s.busy, has_new_line: false, n_remain: -1, n_decoded: s.generated },
    })));
  } else if (flavour === 'ollama') {
    registerOllamaApi(app, { modelName, model });
  }

  app.get('/sim/faults', async () => faults);
  app.post('/sim/faults', async (req, reply) => {
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendError(reply, 400, describeIssue(parsed.error));
    setFaults(parsed.data, req.raw.socket);
    if (parsed.data.refuseForMs) reply.header('connection', 'close');
    return faults;
  });
  app.addHook('onClose', async () => model.stop());

  return { app, model, setFaults: (f) => setFaults(faultsSchema.parse(f)), faults: () => faults };
}

/** A listening simulated backend. */
export interface RunningSimBackend extends SimBackend {
  /** Base URL without `/v1`, e.g. http://127.0.0.1:41234. */
  url: string;
  close(): Promise<void>;
}

/** Builds and starts a simulated backend; port 0 picks a free one. */
export async function startSimBackend(opts: SimBackendOptions & { port?: number; host?: string } = {}): Promise<RunningSimBackend> {
  const sim = buildSimBackend(opts);
  const host = opts.host ?? '127.0.0.1';
  await sim.app.listen({ port: opts.port ?? 0, host });
  const address = sim.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { ...sim, url: `http://${shownHost}:${port}`, close: () => sim.app.close() };
}
