/**
 * Forwards one client request to backends chosen by the dispatcher, with bounded retries.
 *
 * The rule that keeps retries safe: an attempt may be retried (on another backend when one can take
 * it) only while nothing has reached the client. For a stream that is until the upstream's first
 * token: servers (vLLM, the simulator) send a role-only chunk at once, before the GPU has produced
 * anything, so that preamble is held back and a stall or cut before the first token is still retried.
 * For a plain request it is until the whole answer is in. A 4xx the request itself caused is passed
 * through, never retried. A timeout or a 429 is retried only where another backend may take the
 * request (the same one would most likely time out or refuse again, and the client would wait for
 * nothing). Once a stream has started, a failure ends it with an explicit error event (never a
 * silent truncation). Every path ends in exactly one answer to the client.
 *
 * Nothing here logs or keeps a prompt or an output: only sizes, statuses and reasons.
 */
import type { Clock } from '../../platform/clock/clock.js';
import type { PriorityClass } from '../types.js';
import { errorBody } from '../openai.js';
import { DispatchError, type Dispatcher, type Lease } from './dispatcher.js';
import type { DispatcherMetrics } from './metrics.js';
import type { TokenEstimate } from '../scheduler/cost.js';
import { countEvents, endsLikeJson, hasToken, looksLikeJson, nextOrAbort, parseRetryAfter, postJson, readText, usageOf, type UpstreamResponse } from './upstream.js';

/** One request as the server validated it. */
export interface ForwardRequest {
  path: '/v1/chat/completions' | '/v1/embeddings';
  /** The JSON body to send upstream (already serialised once). */
  body: string;
  model: string;
  priority: PriorityClass;
  tenant: string;
  stream: boolean;
  /** Arrival time (ms on the dispatcher's clock). */
  arrivedAt: number;
  /** Expected size (Dispatcher.estimate): tenant fairness and backend load weigh it in tokens. */
  size?: TokenEstimate;
}

/** Where the answer goes: the server adapts this to its HTTP response. */
export interface ResponseSink {
  /** A whole answer (JSON). */
  send(status: number, body: string, headers?: Record<string, string>): void;
  /** Starts an SSE stream (status 200). */
  startStream(): void;
  /** Writes bytes of a started stream; resolves when it may take more. */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Ends a started stream. */
  end(): void;
}

/** What forwarding needs from its surroundings. */
export interface ForwardContext {
  dispatcher: Dispatcher;
  metrics?: DispatcherMetrics;
  /** Told how long each attempt spent at its backend (ms, from sending to the end of its answer), for the dispatcher's own time. */
  onUpstream?: (ms: number) => void;
  /** Told how long the request waited in the queue over all attempts (ms). */
  onQueued?: (ms: number) => void;
}

type AttemptResult =
  | { kind: 'answered' }
  /** `sameBackend`: whether trying the same backend again is worth it (a fast error, not a timeout or 429). */
  | { kind: 'retry'; reason: string; status: number; retryAfterMs?: number; sameBackend: boolean }
  | { kind: 'cancelled' };

/** Most bytes of a stream's preamble held back while waiting for the first token. */
const maxHeldBytes = 64 * 1024;

// Kept importable from here, where it was first defined.
export { parseRetryAfter };

/** Sends the request to backends until one answers, the attempts run out, or the client leaves. */
export async function forward(ctx: ForwardContext, req: ForwardRequest, sink: ResponseSink, signal: AbortSignal): Promise<void> {
  const { dispatcher, metrics } = ctx;
  const { clock } = dispatcher;
  const tried = new Set<string>();
  let last: Extract<AttemptResult, { kind: 'retry' }> | undefined;
  const maxAttempts = dispatcher.current.retry.maxAttempts;
  let made = 0;
  // Time spent queued over all attempts: the class deadline bounds waiting in the queue, not the time
  // a failed attempt took (else a first-token timeout as long as the deadline would turn every
  // failover into a 503). A retry keeps its original arrival, and so its place in line.
  let queuedMs = 0;
  const deadlineMs = dispatcher.current.classes[req.priority].deadlineMs;
  let askedAt: number;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal.aborted) return metrics?.finished(req.priority, 'cancelled');
    let lease: Lease;
    try {
      askedAt = clock.now();
      const retryDeadline = attempt === 1 ? undefined : askedAt + deadlineMs - queuedMs;
      lease = await dispatcher.acquire({ priority: req.priority, tenant: req.tenant, model: req.model, exclude: tried, enqueuedAt: req.arrivedAt, deadline: retryDeadline, size: req.size, ...(attempt > 1 ? { retry: true } : {}) }, signal);
    } catch (err) {
      if (signal.aborted) return metrics?.finished(req.priority, 'cancelled');
      if (!(err instanceof DispatchError)) throw err;
      // A queue refusal after a failed attempt still tells why the earlier attempt failed.
      const retryAfter = retryAfterHeader(err.retryAfterMs);
      metrics?.finished(req.priority, err.status === 404 ? 'client_error' : 'shed');
      const message = last ? `${err.message} (after: ${last.reason})` : err.message;
      return sink.send(err.status, JSON.stringify(errorBody(err.status, message, err.code)), retryAfter);
    }
    if (attempt > 1) metrics?.retried(req.priority, !tried.has(lease.backend.name));
    tried.add(lease.backend.name);
    made = attempt;
    // The first wait counts from arrival (validation included); a retry's from when it asked again.
    const waited = attempt === 1 ? lease.waitedMs : clock.now() - askedAt;
    queuedMs += waited;
    metrics?.waited(req.priority, waited);
    ctx.onQueued?.(waited);
    const sent = performance.now();
    const result = req.stream ? await streamAttempt(ctx, req, lease, sink, signal) : await unaryAttempt(ctx, req, lease, sink, signal);
    ctx.onUpstream?.(performance.now() - sent);
    if (result.kind === 'answered') return;
    if (result.kind === 'cancelled') return metrics?.finished(req.priority, 'cancelled');
    last = result;
    if (signal.aborted) return metrics?.finished(req.priority, 'cancelled');
    if (!result.sameBackend && !otherBackendMayServe(dispatcher, req.model, tried)) break;
  }
  metrics?.finished(req.priority, 'failed');
  const status = last?.status ?? 502;
  const headers = retryAfterHeader(last?.retryAfterMs);
  const message = `no backend answered after ${made} attempt${made === 1 ? '' : 's'}; last: ${last?.reason ?? 'unknown'}`;
  sink.send(status, JSON.stringify(errorBody(status, message, status === 429 ? 'backend_busy' : 'backend_failed')), headers);
}

/** Whether a backend not yet tried serves the model and is not known to be down or busy now. */
function otherBackendMayServe(dispatcher: Dispatcher, model: string, tried: ReadonlySet<string>): boolean {
  const serving = new Set(dispatcher.current.backends.filter((b) => b.models.includes(model)).map((b) => b.name));
  return dispatcher.loads().some((l) => l.available && serving.has(l.name) && !tried.has(l.name));
}

/**
 * A deadline on the dispatcher's clock that aborts the attempt's request, kept apart from the
 * client's own signal. One controller fed by the client's abort event rather than AbortSignal.any,
 * which costs far more per request on Node 20 (it tracks its sources through weak references).
 */
function attemptSignal(clock: Clock, client: AbortSignal, ms: number): { signal: AbortSignal; timedOut: () => boolean; reset(ms: number): void; pause(): void; clear(): void } {
  const controller = new AbortController();
  let fired = false;
  const onClient = () => controller.abort();
  if (client.aborted) controller.abort();
  else client.addEventListener('abort', onClient, { once: true });
  const arm = (after: number) => clock.setTimer(() => { fired = true; controller.abort(); }, after);
  let timer = arm(ms);
  return {
    signal: controller.signal,
    timedOut: () => fired,
    reset: (next) => { clock.clearTimer(timer); timer = arm(next); },
    pause: () => clock.clearTimer(timer),
    clear: () => { clock.clearTimer(timer); client.removeEventListener('abort', onClient); },
  };
}

function post(lease: Lease, req: ForwardRequest, signal: AbortSignal): Promise<UpstreamResponse> {
  return postJson(`${lease.backend.baseUrl}${req.path}`, req.body, req.stream ? 'text/event-stream' : 'application/json', signal);
}

/**
 * Judges a non-200 answer: 429 → busy elsewhere, 408 and 5xx → backend failure (retry); 401, 403
 * and 404 → the backend cannot serve what the configuration says it does (wrong key, model not
 * loaded: the dispatcher already checked that the model is configured), so another backend may;
 * other 4xx → the request's own fault, passed through as the backend said it.
 */
async function judgeStatus(req: ForwardRequest, lease: Lease, res: UpstreamResponse, sink: ResponseSink, ctx: ForwardContext, signal: AbortSignal): Promise<AttemptResult> {
  const text = await readText(res.body, signal).catch(() => '');
  const name = lease.backend.name;
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.header('retry-after'), ctx.dispatcher.clock.now());
    lease.release({ kind: 'busy', retryAfterMs });
    return { kind: 'retry', reason: `${name} is busy (HTTP 429)`, status: 429, retryAfterMs: retryAfterMs ?? 1000, sameBackend: false };
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    lease.release({ kind: 'failure', failure: 'error' });
    return { kind: 'retry', reason: `${name} cannot serve it (HTTP ${res.status}; check its configuration)`, status: 502, sameBackend: false };
  }
  if (res.status >= 500 || res.status === 408) {
    lease.release({ kind: 'failure', failure: 'error' });
    return { kind: 'retry', reason: `${name} answered HTTP ${res.status}`, status: 502, retryAfterMs: parseRetryAfter(res.header('retry-after'), ctx.dispatcher.clock.now()), sameBackend: true };
  }
  lease.release({ kind: 'success' }); // it answered sanely; the request was at fault
  ctx.metrics?.finished(req.priority, 'client_error');
  sink.send(res.status, looksLikeJson(text) ? text : JSON.stringify(errorBody(res.status, `the model server refused the request (HTTP ${res.status})`)));
  return { kind: 'answered' };
}

async function unaryAttempt(ctx: ForwardContext, req: ForwardRequest, lease: Lease, sink: ResponseSink, client: AbortSignal): Promise<AttemptResult> {
  const limit = ctx.dispatcher.current.timeouts.responseMs;
  const deadline = attemptSignal(ctx.dispatcher.clock, client, limit);
  const name = lease.backend.name;
  let answering = false;
  try {
    const res = await post(lease, req, deadline.signal);
    if (res.status !== 200) return await judgeStatus(req, lease, res, sink, ctx, deadline.signal);
    answering = true;
    const body = await readText(res.body, deadline.signal);
    if (!endsLikeJson(body)) {
      lease.release({ kind: 'failure', failure: 'error' });
      return { kind: 'retry', reason: `${name} sent an incomplete answer`, status: 502, sameBackend: true };
    }
    lease.release({ kind: 'success', usage: usageOf(body) });
    ctx.metrics?.firstToken(req.priority, false, ctx.dispatcher.clock.now() - req.arrivedAt);
    ctx.metrics?.finished(req.priority, 'ok');
    // Which backend answered, so a caller can record it beside the answer (AI drafts do).
    sink.send(200, body, { 'x-kona-backend': name });
    return { kind: 'answered' };
  } catch {
    if (client.aborted) {
      lease.release({ kind: 'cancelled' });
      return { kind: 'cancelled' };
    }
    if (deadline.timedOut()) {
      lease.release({ kind: 'failure', failure: 'timeout' });
      return { kind: 'retry', reason: `${name} did not answer within ${limit} ms`, status: 504, sameBackend: false };
    }
    lease.release({ kind: 'failure', failure: 'error' });
    const reason = answering ? `${name} dropped the connection mid-answer` : `${name} could not be reached or dropped the connection`;
    return { kind: 'retry', reason, status: 502, sameBackend: true };
  } finally {
    deadline.clear();
  }
}

async function streamAttempt(ctx: ForwardContext, req: ForwardRequest, lease: Lease, sink: ResponseSink, client: AbortSignal): Promise<AttemptResult> {
  const { firstTokenMs, streamIdleMs } = ctx.dispatcher.current.timeouts;
  const deadline = attemptSignal(ctx.dispatcher.clock, client, firstTokenMs);
  const name = lease.backend.name;
  let started = false;
  let tail = '';
  // Until the first token: the bytes received (held back) and their text (to spot a token).
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let heldText = '';
  let answering = false;
  // Output tokens seen: the usage chunk's count when the client asked for one, else one per event.
  let events = 0;
  let usage: { promptTokens?: number; outputTokens: number } | undefined;
  const decoder = new TextDecoder();
  try {
    const res = await post(lease, req, deadline.signal);
    if (res.status !== 200) return await judgeStatus(req, lease, res, sink, ctx, deadline.signal);
    answering = true;
    const reader = res.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    for (;;) {
      const { done, value } = await nextOrAbort(reader, deadline.signal);
      if (done) break;
      if (value.byteLength === 0) continue;
      const text = decoder.decode(value, { stream: true });
      tail = (tail + text).slice(-64);
      events += countEvents(text);
      if (text.includes('"completion_tokens"')) usage = usageOf(text) ?? usage;
      if (started) {
        lease.progress();
        // The idle clock stops while a slow client drains: its pace says nothing about the backend.
        deadline.pause();
        await sink.write(value);
        deadline.reset(streamIdleMs);
        continue;
      }
      held.push(value);
      heldBytes += value.byteLength;
      heldText += text;
      // The first-token deadline keeps running through the preamble: it is no sign of progress.
      if (!hasToken(heldText) && heldBytes < maxHeldBytes) continue;
      started = true;
      lease.progress();
      ctx.metrics?.firstToken(req.priority, true, ctx.dispatcher.clock.now() - req.arrivedAt);
      sink.startStream();
      deadline.pause();
      for (const chunk of held) await sink.write(chunk);
      deadline.reset(streamIdleMs);
      held = [];
      heldText = '';
    }
    if (!started) {
      lease.release({ kind: 'failure', failure: 'error' });
      return { kind: 'retry', reason: `${name} closed the stream before the first token`, status: 502, sameBackend: true };
    }
    if (/data: \[DONE\]\s*$/.test(tail)) {
      // Without a usage chunk: every event but the role preamble and [DONE] carried about one token.
      lease.release({ kind: 'success', usage: usage ?? { outputTokens: Math.max(events - 2, 0) } });
      ctx.metrics?.finished(req.priority, 'ok');
      sink.end();
    } else {
      lease.release({ kind: 'failure', failure: 'error' });
      await endWithError(ctx, req, sink, `${name} closed the stream before the answer was complete`, 'backend_stream_truncated');
    }
    return { kind: 'answered' };
  } catch {
    if (client.aborted) {
      lease.release({ kind: 'cancelled' });
      return { kind: 'cancelled' };
    }
    const timedOut = deadline.timedOut();
    lease.release({ kind: 'failure', failure: timedOut ? (started ? 'stall' : 'timeout') : 'error' });
    if (!started) {
      return timedOut
        ? { kind: 'retry', reason: `${name} sent no token within ${firstTokenMs} ms`, status: 504, sameBackend: false }
        : { kind: 'retry', reason: answering ? `${name} dropped the connection before the first token` : `${name} could not be reached`, status: 502, sameBackend: true };
    }
    const why = timedOut ? `${name} stalled: nothing for ${streamIdleMs} ms` : `${name} dropped the connection mid-answer`;
    await endWithError(ctx, req, sink, why, timedOut ? 'backend_stream_stalled' : 'backend_stream_truncated');
    return { kind: 'answered' };
  } finally {
    deadline.clear();
  }
}

/** Ends a started stream with an OpenAI-style error event, so no client mistakes a cut answer for a whole one. */
async function endWithError(ctx: ForwardContext, req: ForwardRequest, sink: ResponseSink, reason: string, code: string): Promise<void> {
  ctx.metrics?.finished(req.priority, 'failed');
  const body = errorBody(502, `the answer is incomplete: ${reason}`, code);
  try {
    await sink.write(`\n\ndata: ${JSON.stringify(body)}\n\n`);
  } finally {
    sink.end();
  }
}

/** A Retry-After header (whole seconds, at least 1) when a wait is known. */
function retryAfterHeader(ms: number | undefined): Record<string, string> {
  return ms === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
}
