/** The OpenAI-compatible request schemas and error bodies the simulated backend uses. */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({ role: z.string().min(1), content: z.union([z.string(), z.array(contentPart), z.null()]).optional() });

/** `POST /v1/chat/completions` body (unknown fields pass, as on real servers). */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  max_completion_tokens: z.number().int().min(1).max(1_000_000).optional(),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
/** A parsed chat request. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** An image input of an embeddings request, as Infinity and vLLM accept it: `{ type: 'image_url', image_url: { url } }`. */
export const imageInputSchema = z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string().min(1) }) });

/** Most inputs in one embeddings request. */
export const MAX_EMBEDDING_INPUTS = 2048;

/**
 * `POST /v1/embeddings` body: `input` is a string or a list of strings (text, or an image as a
 * `data:image/…;base64,` URL) and image parts `{ type: 'image_url', image_url: { url } }`.
 */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.union([z.string(), imageInputSchema])).min(1).max(MAX_EMBEDDING_INPUTS)]),
});
/** A parsed embeddings request. */
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** One input of an embeddings request: text, or an image by its URL (a data URL for Kona's servers). */
export type EmbeddingInput = { kind: 'text'; text: string } | { kind: 'image'; url: string };

/** The request's inputs in order; a string that is a `data:image/` URL counts as an image. */
export function embeddingInputs(req: Pick<EmbeddingsRequest, 'input'>): EmbeddingInput[] {
  const list = typeof req.input === 'string' ? [req.input] : req.input;
  return list.map((i): EmbeddingInput => {
    if (typeof i !== 'string') return { kind: 'image', url: i.image_url.url };
    return /^data:image\//i.test(i) ? { kind: 'image', url: i } : { kind: 'text', text: i };
  });
}

// An image part counts as about 256 tokens, as a small vision encoder's patch grid does.
const imagePartText = ' '.repeat(1024);
const partText = (p: z.infer<typeof contentPart>) => (p.type === 'image_url' ? imagePartText : (p.text ?? ''));

/** The prompt's text, for token estimation (a few tokens per message for the chat template). */
export function promptText(req: ChatRequest): string {
  return req.messages
    .map((m) => `<|${m.role}|>${typeof m.content === 'string' ? m.content : (m.content ?? []).map(partText).join('')}`)
    .join('\n');
}

const errorTypes: Record<number, { type: string; code: string }> = {
  400: { type: 'invalid_request_error', code: 'invalid_request' },
  404: { type: 'invalid_request_error', code: 'not_found' },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: 'internal_error' },
  503: { type: 'server_error', code: 'service_unavailable' },
};

/** The OpenAI error body `{ error: { message, type, code } }` for a status. */
export function errorBody(status: number, message: string, code?: string) {
  const kind = errorTypes[status] ?? (status < 500 ? errorTypes[400]! : errorTypes[500]!);
  return { error: { message, type: kind.type, code: code ?? kind.code, param: null } };
}

/** Sends an OpenAI-style error. */
export function sendError(reply: FastifyReply, status: number, message: string, code?: string): FastifyReply {
  return reply.code(status).send(errorBody(status, message, code));
}

/** The first zod issue, phrased for a person: `messages: Too small…`. */
export function describeIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid request';
}
