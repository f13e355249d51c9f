/**
 * Reads a verification from Prometheus's HTTP API: `GET /api/v1/query?query=…`. The condition holds
 * when the instant query returns an empty vector (e.g. no ALERTS series for the target any more).
 */

/** What a verification query found. */
export type QueryOutcome = { ok: true; empty: boolean; series: string[] } | { ok: false; error: string };

/** Runs an instant query; `series` lists up to three matched series as `{a="b",…}` for reasons. */
export async function queryIsEmpty(prometheusUrl: string, query: string, timeoutMs = 10_000): Promise<QueryOutcome> {
  const url = new URL('api/v1/query', prometheusUrl.endsWith('/') ? prometheusUrl : `${prometheusUrl}/`);
  url.searchParams.set('query', query);
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const text = await res.text();
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return { ok: false, error: `Prometheus answered HTTP ${res.status} without JSON` };
    }
    if (!res.ok) return { ok: false, error: `Prometheus answered HTTP ${res.status}: ${errorOf(body)}` };
  } catch (err) {
    return { ok: false, error: `Prometheus could not be reached (${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message})` };
  }
  const b = body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (b.status !== 'success') return { ok: false, error: `Prometheus query failed: ${errorOf(body)}` };
  const result = b.data?.result;
  if (b.data?.resultType === 'scalar' || b.data?.resultType === 'string') return { ok: false, error: 'the query must return a vector, not a scalar' };
  if (!Array.isArray(result)) return { ok: false, error: 'Prometheus returned no result list' };
  const series = result.slice(0, 3).map((r) => formatSeries((r as { metric?: Record<string, string> }).metric ?? {}));
  return { ok: true, empty: result.length === 0, series: result.length > 3 ? [...series, `… ${result.length - 3} more`] : series };
}

function errorOf(body: unknown): string {
  const e = (body as { error?: unknown } | null)?.error;
  return typeof e === 'string' ? e.slice(0, 200) : 'no error message';
}

/** `{alertname="X",pod="y"}`, values cut short (they come from the monitored system). */
function formatSeries(metric: Record<string, string>): string {
  const pairs = Object.entries(metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${String(v).slice(0, 60)}"`);
  return `${metric.__name__ ?? ''}{${pairs.join(',')}}`;
}
