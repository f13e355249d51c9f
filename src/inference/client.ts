/**
 * The typed client the rest of Kona uses for every model call. It speaks the dispatcher's
 * OpenAI-compatible API over HTTP, whether the dispatcher runs inside `kona serve` (loopback) or as
 * its own service, and adds Kona's two headers: the priority class and the rescue it is for.
 *
 * Errors are DispatcherClientError with the HTTP status, the OpenAI error code and, for 429/503,
 * how long to wait. A stream that the dispatcher ends with an error event throws at that point, so
 * a cut answer is never mistaken for a whole one.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_REQUEST, toDataUrl } from './embedder/data-url.js';
import type { PriorityClass } from './types.js';
import type { DispatcherStatus } from './dispatcher/dispatcher.js';

/** One part of a message's content: text, or an image for a vision-capable model. */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | ChatContentPart[];
}

/** A chat completion request (the common OpenAI fields; others pass through). */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
  [extra: string]: unknown;
}

/** Token counts of one answer. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens?: number;
  total_tokens: number;
}

/** A whole chat completion. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: { role: 'assistant'; content: string | null }; finish_reason: string | null }>;
  usage?: Usage;
}

/** One streamed chunk. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: { role?: 'assistant'; content?: string | null }; finish_reason: string | null }>;
  usage?: Usage | null;
}

/** An image input of an embeddings request (Infinity's and vLLM's shape), its bytes as a data URL. */
export interface ImageEmbeddingInput {
  type: 'image_url';
  image_url: { url: string };
}

/** An embeddings request: text, or images as data URLs (see README "Image embeddings"). */
export interface EmbeddingsRequest {
  model: string;
  input: string | Array<string | ImageEmbeddingInput>;
  [extra: string]: unknown;
}

/** Options of `embedImages`: the embedding model's id, besides the usual class (default batch) and rescue. */
export interface EmbedImagesOptions extends CallOptions {
  model: string;
}

/** Image embeddings: one unit vector per image, in order, and which model and backend made them. */
export interface ImageEmbeddings {
  vectors: number[][];
  /** The model id the server answered with. */
  model: string;
  /** Their dimension. */
  dimension: number;
  /** The backend that answered (the dispatcher's `X-Kona-Backend`; of the last request when split). */
  backend?: string;
}

/** Embeddings, one per input, in order. */
export interface EmbeddingsResponse {
  object: 'list';
  model: string;
  data: Array<{ object: 'embedding'; index: number; embedding: number[] }>;
  usage?: Usage;
}

/** A model the fleet serves, and whether a backend for it is up. */
export interface ModelInfo {
  id: string;
  object: 'model';
  owned_by: string;
  available: boolean;
}

/** Per-call options. */
export interface CallOptions {
  /** Default: interactive for chat, batch for embeddings. */
  priority?: PriorityClass;
  /** The rescue the work is for (fairness between rescues); default: the client's. */
  tenant?: string;
  signal?: AbortSignal;
}

/** A refusal or failure, as the dispatcher (or the network) reported it. */
export class DispatcherClientError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the dispatcher could not be reached; 502 for an error event mid-stream. */
    readonly status: number,
    /** OpenAI error code, e.g. queue_full, model_not_found, backend_stream_stalled. */
    readonly code: string,
    /** From Retry-After, when the dispatcher sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DispatcherClientError';
  }
}

/** Client settings. */
export interface DispatcherClientOptions {
  /** The dispatcher's base URL (without /v1). */
  baseUrl: string;
  /** Bearer token, when the dispatcher requires one. */
  token?: string;
  /** Default rescue for calls that do not name one. */
  tenant?: string;
  fetch?: typeof fetch;
}

/** Splits data URLs into requests of at most MAX_IMAGES_PER_REQUEST images and about 32 MiB each. */
function imageBatches(urls: string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const url of urls) {
    if (current.length > 0 && (current.length >= MAX_IMAGES_PER_REQUEST || bytes + url.length > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(url);
    bytes += url.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
const BATCH_BYTES = 32 * 1024 * 1024;

/** A typed client for the dispatcher's API. */
export class DispatcherClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: DispatcherClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** A whole chat completion. */
  async chat(req: ChatRequest, opts: CallOptions = {}): Promise<ChatCompletion> {
    const res = await this.post('/v1/chat/completions', { ...req, stream: false }, 'interactive', opts);
    return (await res.json()) as ChatCompletion;
  }

  /** A whole chat completion with the name of the backend that answered (the dispatcher's `X-Kona-Backend`). */
  async chatDetailed(req: ChatRequest, opts: CallOptions = {}): Promise<{ completion: ChatCompletion; backend?: string }> {
    const res = await this.post('/v1/chat/completions', { ...req, stream: false }, 'interactive', opts);
    return { completion: (await res.json()) as ChatCompletion, backend: res.headers.get('x-kona-backend') ?? undefined };
  }

  /** A streamed chat completion: yields chunks as they arrive; throws on an error event. */
  async *chatStream(req: ChatRequest, opts: CallOptions = {}): AsyncGenerator<ChatCompletionChunk> {
    const res = await this.post('/v1/chat/completions', { ...req, stream: true }, 'interactive', opts);
    if (!res.body) throw new DispatcherClientError('the dispatcher sent no body', 502, 'empty_stream');
    const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    const reader = events.getReader();
    try {
      for (;;) {
        const { done, value: event } = await reader.read().catch(() => {
          throw new DispatcherClientError('the connection to the dispatcher broke mid-answer', 502, 'stream_truncated');
        });
        if (done) throw new DispatcherClientError('the stream ended before the answer was complete', 502, 'stream_truncated');
        if (event.data === '[DONE]') return;
        const data = JSON.parse(event.data) as ChatCompletionChunk | { error: { message: string; code?: string } };
        if ('error' in data) throw new DispatcherClientError(data.error.message, 502, data.error.code ?? 'stream_error');
        yield data;
      }
    } finally {
      // Leaving early (break, an error) cancels the request, which frees the GPU slot.
      await reader.cancel().catch(() => undefined);
    }
  }

  /** Embeddings for one or more inputs (batch class by default). */
  async embeddings(req: EmbeddingsRequest, opts: CallOptions = {}): Promise<EmbeddingsResponse> {
    const res = await this.post('/v1/embeddings', req, 'batch', opts);
    return (await res.json()) as EmbeddingsResponse;
  }

  /**
   * Embeds images (bytes, or data URLs) with an image embedding model through the dispatcher, batch
   * class by default. An image over MAX_IMAGE_BYTES is refused here (status 400, `image_too_large`);
   * a long list goes as several requests, each under the body limit and MAX_IMAGES_PER_REQUEST.
   */
  async embedImages(images: ReadonlyArray<Uint8Array | string>, opts: EmbedImagesOptions): Promise<ImageEmbeddings> {
    const urls = images.map((image, index) => {
      if (typeof image === 'string') return image;
      if (image.length > MAX_IMAGE_BYTES) throw new DispatcherClientError(`image ${index} is larger than ${MAX_IMAGE_BYTES} bytes`, 400, 'image_too_large');
      return toDataUrl(image);
    });
    const { model, ...call } = opts;
    const out: ImageEmbeddings = { vectors: [], model, dimension: 0 };
    for (const batch of imageBatches(urls)) {
      const res = await this.post('/v1/embeddings', { model, input: batch.map((url) => ({ type: 'image_url', image_url: { url } })) }, 'batch', call);
      const body = (await res.json()) as EmbeddingsResponse;
      const data = [...body.data].sort((a, b) => a.index - b.index);
      if (data.length !== batch.length) throw new DispatcherClientError(`the model answered ${data.length} embeddings for ${batch.length} images`, 502, 'malformed_answer');
      out.vectors.push(...data.map((d) => d.embedding));
      out.model = body.model ?? model;
      out.backend = res.headers.get('x-kona-backend') ?? undefined;
    }
    out.dimension = out.vectors[0]?.length ?? 0;
    return out;
  }

  /** The models the fleet serves. */
  async models(signal?: AbortSignal): Promise<ModelInfo[]> {
    const res = await this.get('/v1/models', signal);
    return ((await res.json()) as { data: ModelInfo[] }).data;
  }

  /** The dispatcher's status document (backends, breaker states, queues). */
  async status(signal?: AbortSignal): Promise<DispatcherStatus> {
    return (await (await this.get('/status', signal)).json()) as DispatcherStatus;
  }

  private headers(): Record<string, string> {
    return this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {};
  }

  private async get(path: string, signal?: AbortSignal): Promise<Response> {
    return this.check(await this.send(`${this.base}${path}`, { headers: this.headers(), signal }));
  }

  private async post(path: string, body: object, defaultClass: PriorityClass, opts: CallOptions): Promise<Response> {
    const res = await this.send(`${this.base}${path}`, {
      method: 'POST',
      headers: {
        ...this.headers(),
        'content-type': 'application/json',
        'x-kona-priority': opts.priority ?? defaultClass,
        'x-kona-tenant': opts.tenant ?? this.opts.tenant ?? 'default',
      },
      body: JSON.stringify(body),
      signal: opts.signal,
    });
    return this.check(res);
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchFn(url, init);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new DispatcherClientError(`the dispatcher could not be reached: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`, 0, 'unreachable');
    }
  }

  private async check(res: Response): Promise<Response> {
    if (res.ok) return res;
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string; code?: string } } | undefined;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new DispatcherClientError(
      body?.error?.message ?? `the dispatcher answered HTTP ${res.status}`,
      res.status,
      body?.error?.code ?? 'http_error',
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}
