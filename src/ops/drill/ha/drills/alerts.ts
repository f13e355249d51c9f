/**
 * The alerts that fired during a drill, from the cluster's Prometheus (`ALERTS{alertstate="firing"}`
 * over the run, one-second steps): each alert's name, when it first fired and when it stopped, in
 * seconds of the run. A Prometheus that does not answer gives none (the report says so by being empty).
 */
import type { ClusterLayout } from '../cluster/layout.js';
import type { DrillRun } from '../run.js';

interface RangeResult {
  data?: { result?: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** The alerts firing between the run's time 0 (`originMs`, wall clock) and `endT` seconds later. */
export async function runAlerts(layout: ClusterLayout, originMs: number, endT: number): Promise<DrillRun['alerts']> {
  const origin = originMs / 1000;
  const url = new URL(`http://127.0.0.1:${layout.prometheusPort}/api/v1/query_range`);
  url.searchParams.set('query', 'ALERTS{alertstate="firing"}');
  url.searchParams.set('start', String(Math.floor(origin)));
  url.searchParams.set('end', String(Math.ceil(origin + endT + 1)));
  url.searchParams.set('step', '1');
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as RangeResult;
    return (body.data?.result ?? []).filter((r) => r.values.length > 0).map((r) => {
      const first = r.values[0]![0] - origin;
      const last = r.values.at(-1)![0] - origin;
      const stillFiring = last >= endT - 1;
      return { name: r.metric.alertname ?? 'unnamed', firedT: Math.max(0, first), ...(stillFiring ? {} : { resolvedT: last + 1 }) };
    });
  } catch {
    return [];
  }
}
