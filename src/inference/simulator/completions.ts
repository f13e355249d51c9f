/**
 * Chat completion and embedding handlers of the simulated backend: each request takes a sequence
 * on the simulated GPU, and the response follows its tokens (streamed as SSE or answered whole).
 * Faults are read once per request, so changing them mid-request affects only later requests.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { SimFaults } from './faults.js';
import type { GpuModel } from './model.js';
import { chatRequestSchema, describeIssue, embeddingInputs, embeddingsRequestSchema, errorBody, promptText, sendError, type ChatRequest } from '../openai.js';
import { decodeDataUrl, ImageInputError } from '../embedder/data-url.js';
import { jsonSchemaOf, sampleFor } from './structured.js';
import { embedText, estimateTokens, loremText, loremToken } from './text.js';

/** What the handlers need from the server. */
export interface CompletionContext {
  model: GpuModel;
  modelName: string;
  embeddingDim: number;
  /** Returns the faults for a new request (and counts down `errorCount`). */
  takeFaults(): SimFaults;
  /** The sim's clock (answers' `created` time). */
  now(): number;
}

const DEFAULT_MAX_TOKENS = 16;
/** Prefill tokens an image costs, as a small vision encoder's patch grid. */
const IMAGE_TOKENS = 256;

/** Answers a fault gate (error status or hang); true when the request is taken care of. */
function gate(reply: FastifyReply, faults: SimFaults): boolean {
  if (faults.errorStatus) {
    if (faults.retryAfterS !== undefined && faults.errorStatus !== 500) reply.header('retry-after', String(faults.retryAfterS));
    sendError(reply, faults.errorStatus, `simulated ${faults.errorStatus}`);
    return true;
  }
  if (faults.hang) {
    // Never answer; the socket closes when the client gives up or the server shuts down.
    reply.hijack();
    return true;
  }
  return false;
}

/**
 * What every model request goes through first: the body checked, the model named, the faults read
 * and their gate applied. Returns the body, the faults and the raw response (the reply hijacked), or
 * undefined when the request was already answered.
 */
function admit<S extends z.ZodType<{ model: string }>>(ctx: CompletionContext, schema: S, request: FastifyRequest, reply: FastifyReply) {
  const parsed = schema.safeParse(request.body);
  if (!parsed.success) return void sendError(reply, 400, describeIssue(parsed.error));
  const body = parsed.data as z.output<S>;
  if (body.model !== ctx.modelName) return void sendError(reply, 404, `The model \`${body.model}\` does not exist.`, 'model_not_found');
  const faults = ctx.takeFaults();
  if (gate(reply, faults)) return undefined;
  reply.hijack();
  return { body, faults, res: reply.raw };
}

/** `POST /v1/chat/completions`. */
export function chatHandler(ctx: CompletionContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(ctx, chatRequestSchema, request, reply);
    if (!admitted) return reply;
    const { body, faults, res } = admitted;
    const id = `chatcmpl-sim-${request.id}`;
    const promptTokens = estimateTokens(promptText(body));
    const structured = structuredAnswer(body, faults);
    const script = structured ? undefined : scriptOf(faults);
    // A structured or scripted answer ends when its text does, as a model stops at its end token.
    const limit = structured ? estimateTokens(structured) : script ? script.length : Infinity;
    const maxTokens = Math.min(body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS, limit);
    const tokenAt = (i: number) => script?.[i] ?? loremToken(i);
    const finishReason = structured || (script && maxTokens === script.length) ? 'stop' : 'length';
    const usage = { prompt_tokens: promptTokens, completion_tokens: maxTokens, total_tokens: promptTokens + maxTokens };
    let finished = false;
    const finish = () => { finished = true; };
    const handle = body.stream
      ? streamSequence(ctx, res, { id, body, promptTokens, maxTokens, usage, faults, finish, tokenAt, finishReason })
      : ctx.model.submit({ promptTokens, maxTokens }, {
          onDone: () => {
            finish();
            if (faults.truncateAfterTokens !== undefined) return void cut(res);
            const content = structured ?? (script ? script.slice(0, maxTokens).join('') : loremText(maxTokens));
            const choice = { index: 0, message: { role: 'assistant', content }, finish_reason: finishReason };
            writeJson(res, 200, { id, object: 'chat.completion', created: nowS(ctx), model: ctx.modelName, choices: [choice], usage });
          },
        });
    // A client that goes away frees its slot.
    res.on('close', () => { if (!finished) handle.cancel(); });
    return reply;
  };
}

/** The answer to a json_schema request: JSON valid for the schema (broken under `badJson`); undefined for plain text. */
function structuredAnswer(body: ChatRequest, faults: SimFaults): string | undefined {
  const schema = jsonSchemaOf(body.response_format);
  if (!schema) return undefined;
  return faults.badJson ? `{"oops": ${loremText(3)}` : JSON.stringify(sampleFor(schema));
}

/** The scripted answer's tokens (a word each, with its leading space), or undefined for lorem words. */
function scriptOf(faults: SimFaults): string[] | undefined {
  return faults.replyText?.match(/\s*\S+/g) ?? undefined;
}

interface StreamArgs {
  id: string;
  body: ChatRequest;
  promptTokens: number;
  maxTokens: number;
  usage: object;
  faults: SimFaults;
  finish(): void;
  tokenAt(index: number): string;
  finishReason: string;
}

function streamSequence(ctx: CompletionContext, res: ServerResponse, a: StreamArgs) {
  const chunk = (delta: object, finishReason: string | null) =>
    `data: ${JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: nowS(ctx), model: ctx.modelName, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(chunk({ role: 'assistant', content: '' }, null));
  const { stallAfterTokens: stall, truncateAfterTokens: truncate } = a.faults;
  const handle = ctx.model.submit({ promptTokens: a.promptTokens, maxTokens: a.maxTokens }, {
    onToken: (i) => {
      if (stall !== undefined && i >= stall) return; // keep the connection open, send nothing more
      if (truncate !== undefined && i >= truncate) {
        a.finish();
        handle.cancel();
        return void cut(res);
      }
      res.write(chunk({ content: a.tokenAt(i) }, null));
    },
    onDone: () => {
      if (stall !== undefined && stall < a.maxTokens) return;
      if (truncate !== undefined) return void cut(res);
      a.finish();
      res.write(chunk({}, a.finishReason));
      if (a.body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: nowS(ctx), model: ctx.modelName, choices: [], usage: a.usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    },
  });
  return handle;
}

/** `POST /v1/embeddings`: a deterministic unit vector per input, after a prefill-only sequence. */
export function embeddingsHandler(ctx: CompletionContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(ctx, embeddingsRequestSchema, request, reply);
    if (!admitted) return reply;
    const { body, faults, res } = admitted;
    let inputs: Array<string | Buffer>;
    try {
      // An image is embedded from its bytes, so the same photo gets the same vector however it was sent.
      inputs = embeddingInputs(body).map((i) => (i.kind === 'text' ? i.text : decodeDataUrl(i.url)));
    } catch (err) {
      if (!(err instanceof ImageInputError)) throw err;
      return void writeJson(res, 400, errorBody(400, err.message, err.code));
    }
    const promptTokens = inputs.reduce((n, t) => n + (typeof t === 'string' ? estimateTokens(t) : IMAGE_TOKENS), 0);
    let finished = false;
    const handle = ctx.model.submit({ promptTokens, maxTokens: 0 }, {
      onDone: () => {
        finished = true;
        if (faults.truncateAfterTokens !== undefined) return void cut(res);
        const data = inputs.map((t, index) => ({ object: 'embedding', index, embedding: embedText(t, ctx.embeddingDim) }));
        writeJson(res, 200, { object: 'list', data, model: ctx.modelName, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
      },
    });
    res.on('close', () => { if (!finished) handle.cancel(); });
    return reply;
  };
}

/** Closes the connection after what is already written has gone out (a bare destroy could drop it). */
function cut(res: ServerResponse): void {
  if (res.socket) res.socket.destroySoon();
  else res.destroy();
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function nowS(ctx: CompletionContext): number {
  return Math.floor(ctx.now() / 1000);
}

