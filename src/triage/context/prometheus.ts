/**
 * Reads recent series from Prometheus's HTTP API (`GET /api/v1/query_range`) for the diagnosis
 * context and the recovery check. Bounded: the caller's signal (a clock-timed deadline) aborts a
 * slow Prometheus, the body is read up to a size limit, and only the first series are kept.
 */

/** One series of a range query: its labels and its [seconds, value] points, oldest first. */
export interface Series {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** A range query's series (at most `maxSeries`, `total` says how many came), or why there are none. */
export type RangeOutcome = { ok: true; series: Series[]; total: number } | { ok: false; error: string };

/** A range query. Times in ms since the epoch; the step in seconds. */
export interface RangeQuery {
  prometheusUrl: string;
  query: string;
  start: number;
  end: number;
  stepSeconds: number;
  signal: AbortSignal;
  /** Series kept (default 5). */
  maxSeries?: number;
  /** Bytes of body read at most (default 2 MiB): a huge answer is refused, not parsed. */
  maxBytes?: number;
  fetch?: typeof fetch;
}

/** Runs a range query; never throws. */
export async function queryRange(q: RangeQuery): Promise<RangeOutcome> {
  const base = q.prometheusUrl.endsWith('/') ? q.prometheusUrl : `${q.prometheusUrl}/`;
  const url = new URL('api/v1/query_range', base);
  url.searchParams.set('query', q.query);
  url.searchParams.set('start', (q.start / 1000).toFixed(3));
  url.searchParams.set('end', (q.end / 1000).toFixed(3));
  url.searchParams.set('step', String(q.stepSeconds));
  let text: string;
  let status: number;
  try {
    const res = await (q.fetch ?? fetch)(url, { signal: q.signal, headers: { accept: 'application/json' } });
    status = res.status;
    text = await readBounded(res, q.maxBytes ?? 2 * 1024 * 1024);
  } catch (err) {
    return { ok: false, error: q.signal.aborted ? reasonOf(q.signal) : `Prometheus could not be reached (${(err as Error).message.slice(0, 120)})` };
  }
  let body: { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, error: `Prometheus answered HTTP ${status} without JSON` };
  }
  if (body.status !== 'success') return { ok: false, error: `Prometheus refused the query: ${typeof body.error === 'string' ? body.error.slice(0, 200) : `HTTP ${status}`}` };
  if (body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result)) return { ok: false, error: 'Prometheus returned no matrix' };
  const result = body.data.result as Array<{ metric?: Record<string, string>; values?: Array<[number, string]> }>;
  const series = result.slice(0, q.maxSeries ?? 5).map((r) => ({
    labels: r.metric ?? {},
    points: (r.values ?? []).map(([t, v]) => [Number(t), Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)),
  }));
  return { ok: true, series, total: result.length };
}

/** The body as text, refusing more than `max` bytes. */
async function readBounded(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > max) {
    await res.body?.cancel();
    throw new Error(`the answer is larger than ${max} bytes`);
  }
  const reader = res.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`the answer is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The message of an aborted signal's reason. */
export function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : String(r ?? 'aborted');
}
