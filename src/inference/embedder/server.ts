/**
 * `kona embedder`: an OpenAI-compatible image embedding server over a CLIP-class ONNX model folder
 * (engine.ts). `POST /v1/embeddings` takes images as data URLs, in the shapes Infinity and vLLM
 * accept (openai.ts `embeddingsRequestSchema`); `/v1/models` lists the model with its dimension;
 * `/health` answers while the model is loaded. The dispatcher runs it as a backend of kind
 * `embedder`. Bad input (malformed JSON, a text input, a damaged, oversized or non-image file) is a
 * 4xx with a message, never a 5xx; nothing of an image is logged, only counts and timings.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeIssue, embeddingInputs, embeddingsRequestSchema, errorBody, sendError } from '../openai.js';
import { decodeDataUrl, EMBEDDINGS_BODY_LIMIT, ImageInputError, MAX_IMAGES_PER_REQUEST } from './data-url.js';
import { loadImageEmbedder, type ImageEmbedder } from './engine.js';

/** The body `kona embedder` accepts: the OpenAI embeddings request, float vectors only. */
export const embedderRequestSchema = embeddingsRequestSchema.extend({
  encoding_format: z.literal('float', { error: 'only encoding_format "float" is served' }).optional(),
});

/** How to run the server. */
export interface EmbedderServerOptions {
  /** The model folder (config.json, preprocessor_config.json, onnx/vision_model.onnx). */
  modelDir: string;
  /** The model id it answers to (default: the folder's name). */
  modelName?: string;
  host?: string;
  port?: number;
  /** onnxruntime threads per run (default: its own choice, every core). */
  threads?: number;
  logger?: Logger;
}

/** A listening server. */
export interface RunningEmbedder {
  app: FastifyInstance;
  embedder: ImageEmbedder;
  /** Base URL without `/v1`. */
  url: string;
  close(): Promise<void>;
}

/** Loads the model and starts serving; port 0 picks a free one. */
export async function startEmbedderServer(opts: EmbedderServerOptions): Promise<RunningEmbedder> {
  const started = performance.now();
  const embedder = await loadImageEmbedder(opts.modelDir, { id: opts.modelName, threads: opts.threads });
  const app = buildEmbedderApp(embedder, opts.logger);
  const host = opts.host ?? '127.0.0.1';
  try {
    await app.listen({ port: opts.port ?? 0, host });
  } catch (err) {
    await embedder.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  opts.logger?.info({ model: embedder.id, dimension: embedder.dimension, loadMs: Math.round(performance.now() - started) }, 'embedder model loaded');
  return {
    app, embedder, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      await app.close();
      await embedder.close();
    },
  };
}

/** The HTTP routes over a loaded model. */
export function buildEmbedderApp(embedder: ImageEmbedder, logger?: Logger): FastifyInstance {
  // Fastify's request logging stays off so that no body can reach a log.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: EMBEDDINGS_BODY_LIMIT });
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) logger?.error({ err: { name: err.name, code: err.code } }, 'embedder request failed');
    const message =
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'the body is not valid JSON'
      : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the body is larger than ${EMBEDDINGS_BODY_LIMIT} bytes; send fewer images per request`
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'send the body as application/json'
      : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty; send a JSON object'
      : status < 500 ? err.message : 'the embedder failed on this request';
    return reply.code(status).send(errorBody(status, message));
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `no route for ${req.method} ${req.url.split('?')[0]}`));

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [{ id: embedder.id, object: 'model', created: 0, owned_by: 'kona-embedder', dimensions: embedder.dimension, modality: 'image' }],
  }));
  app.post('/v1/embeddings', async (req, reply) => {
    const parsed = embedderRequestSchema.safeParse(req.body);
    if (!parsed.success) return sendError(reply, 400, describeIssue(parsed.error));
    const body = parsed.data;
    if (body.model !== embedder.id) return sendError(reply, 404, `The model \`${body.model}\` does not exist.`, 'model_not_found');
    const inputs = embeddingInputs(body);
    if (inputs.length > MAX_IMAGES_PER_REQUEST) return sendError(reply, 400, `at most ${MAX_IMAGES_PER_REQUEST} images per request`);
    const started = performance.now();
    try {
      const images = inputs.map((input, index) => {
        if (input.kind === 'text') throw new ImageInputError(`input ${index}: this model embeds images only; send a data:image/… URL`);
        try {
          return decodeDataUrl(input.url);
        } catch (err) {
          throw err instanceof ImageInputError ? new ImageInputError(`input ${index}: ${err.message}`, err.code) : err;
        }
      });
      const vectors = await embedder.embed(images);
      logger?.info({ model: embedder.id, images: images.length, ms: Math.round(performance.now() - started) }, 'embedder embeddings');
      return reply.send({
        object: 'list', model: embedder.id,
        data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    } catch (err) {
      if (err instanceof ImageInputError) {
        logger?.info({ model: embedder.id, images: inputs.length, refused: err.code }, 'embedder refused an image');
        return sendError(reply, 400, err.message, err.code);
      }
      throw err;
    }
  });
  return app;
}
