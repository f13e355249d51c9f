/**
 * Talking to a backend and reading its answer safely: a keep-alive POST, body reads that cannot
 * outlive their abort signal, whether a held-back SSE preamble has reached its first token,
 * Retry-After, and a JSON check. Content is only inspected here, never logged or kept.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/** What a backend answered: status, headers and the body as a Node stream. */
export interface UpstreamResponse {
  status: number;
  /** One header's value (several joined by ", "), or null. */
  header(name: string): string | null;
  body: IncomingMessage;
}

// Connections to backends are kept open between requests: a new TCP handshake per request would
// be most of the dispatcher's own latency. node:http rather than fetch: fetch's web streams and
// signal plumbing cost about a millisecond per request on this path (measured by bench:dispatcher).
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

// Parsed backend URLs: a handful (backends × paths), parsed once rather than per request.
const urls = new Map<string, URL>();
function parsedUrl(url: string): URL {
  let u = urls.get(url);
  if (!u) {
    if (urls.size > 1000) urls.clear();
    urls.set(url, (u = new URL(url)));
  }
  return u;
}

/**
 * POSTs a JSON body; resolves with the response head, rejects on a connection error or when `signal`
 * aborts. A kept-alive connection the backend closed just as it was reused fails with ECONNRESET
 * before anything was sent back; that request is sent again once on a fresh connection (as Node's
 * documentation advises), so an idle timeout is not mistaken for a failing backend.
 */
export function postJson(url: string, body: string, accept: string, signal: AbortSignal, retried = false): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const target = parsedUrl(url);
    const secure = target.protocol === 'https:';
    const req = (secure ? https : http).request(target, {
      method: 'POST',
      agent: agents[secure ? 'https:' : 'http:'],
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept },
      signal,
    }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        header: (name) => {
          const value = res.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
        body: res,
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET' && !signal.aborted) {
        postJson(url, body, accept, signal, true).then(resolve, reject);
      } else reject(err);
    });
    req.end(body);
  });
}

/**
 * Reads a whole body as text; rejects when the connection breaks before the end or `signal` aborts.
 * Event-driven (no promise per chunk): this runs once for every non-streamed answer.
 */
export function readText(body: IncomingMessage, signal: AbortSignal): Promise<string> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const done = (err?: Error) => {
      signal.removeEventListener('abort', onAbort);
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (c: Buffer) => { chunks.push(c); };
    const onEnd = () => done(body.complete ? undefined : new Error('the body ended early'));
    const onError = (e: Error) => done(e);
    // A connection lost mid-body may close without 'end' or 'error'.
    const onClose = () => done(new Error('the body ended early'));
    const onAbort = () => { done(new Error('aborted')); body.destroy(); };
    signal.addEventListener('abort', onAbort, { once: true });
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * One read of an upstream body that fails as soon as `signal` aborts, whatever the stream does: a
 * read must never outlive the request (a client that left during a slow write, a deadline), or it
 * would hang the request and leak its backend slot.
 */
export function nextOrAbort<T>(it: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Whether SSE text holds a complete event with something for the client: content, a tool call, a
 * finish reason, usage, an error, [DONE], or anything unreadable (passed on rather than judged).
 * A chunk with only a role and empty content is preamble, and so are comments (keep-alives).
 */
export function hasToken(sse: string): boolean {
  const events = sse.split(/\r?\n\r?\n/);
  events.pop(); // the last piece is incomplete (or empty)
  for (const event of events) {
    const data = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
    if (data === '') continue;
    if (data === '[DONE]') return true;
    let chunk: { choices?: unknown; usage?: unknown; error?: unknown } | null;
    try { chunk = JSON.parse(data) as typeof chunk; } catch { return true; }
    if (chunk === null || typeof chunk !== 'object' || chunk.error != null || chunk.usage != null || !Array.isArray(chunk.choices)) return true;
    for (const choice of chunk.choices as Array<{ delta?: Record<string, unknown>; finish_reason?: unknown } | null>) {
      if (!choice || choice.finish_reason != null) return true;
      for (const [key, value] of Object.entries(choice.delta ?? {})) {
        if (key !== 'role' && value !== null && value !== '') return true;
      }
    }
  }
  return false;
}

/** Retry-After in seconds or an HTTP date (counted from `now`, epoch ms) → ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether a 200 answer looks whole: an object from its first to its last non-blank character. The
 * HTTP framing (readText) already caught a cut connection; this catches a server that framed a cut
 * body, without parsing an answer that is passed on unread.
 */
export function endsLikeJson(text: string): boolean {
  let i = 0;
  let j = text.length - 1;
  while (i <= j && /\s/.test(text[i]!)) i++;
  while (j >= i && /\s/.test(text[j]!)) j--;
  return i < j && text[i] === '{' && text[j] === '}';
}

/** Whether text parses as JSON (a whole answer rather than a cut one). */
export function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The token counts an OpenAI-style `usage` object in `text` reports (a whole answer, or an SSE chunk
 * with `stream_options.include_usage`); undefined when it has none. A pattern, not a parse: the
 * answer is passed on as it came, and usage is the only thing read from it.
 */
export function usageOf(text: string): { promptTokens?: number; outputTokens: number } | undefined {
  const output = /"completion_tokens"\s*:\s*(\d+)/.exec(text);
  const prompt = /"prompt_tokens"\s*:\s*(\d+)/.exec(text);
  if (output?.[1] !== undefined) return { outputTokens: Number(output[1]), ...(prompt?.[1] !== undefined ? { promptTokens: Number(prompt[1]) } : {}) };
  // Embeddings count only the input.
  if (prompt?.[1] !== undefined) return { promptTokens: Number(prompt[1]), outputTokens: 0 };
  return undefined;
}

/** SSE events that begin in `text` ("data:" at a line start). */
export function countEvents(text: string): number {
  let n = 0;
  for (let i = text.indexOf('data:'); i >= 0; i = text.indexOf('data:', i + 5)) if (i === 0 || text[i - 1] === '\n') n++;
  return n;
}
