/**
 * Reading a backend's answer safely: whether a held-back SSE preamble has reached its first token,
 * a body read that cannot outlive its abort signal, Retry-After, and a JSON check. Content is only
 * inspected here, never logged or kept.
 */

/**
 * One read of the upstream body that fails as soon as `signal` aborts. Node 20's fetch leaves a read
 * pending forever when the abort came while nobody was reading and the body had fully arrived (a
 * client that left during a slow write, say); that would hang the request and leak its slot.
 */
export function readOrAbort(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (signal.aborted) {
    void reader.cancel().catch(() => undefined);
    return Promise.reject(new Error('aborted'));
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      void reader.cancel().catch(() => undefined);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    reader.read().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
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

/** Retry-After in seconds or an HTTP date → ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
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
