/**
 * The alerts that fired during a drill, from the cluster's Prometheus (`ALERTS{alertstate="firing"}`
 * over the run, one-second steps): each alert's name, when it first fired and when it stopped, in
 * seconds of the run; and what the cluster's triage decided about the alerts Alertmanager delivered
 * meanwhile (`/api/decisions`). A part that does not answer gives none (the report's list is empty).
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

interface TriageDecision {
  alertname: string;
  status: string;
  route: string;
  action: { name: string; execute: boolean } | null;
  mode: string;
  reasons: string[];
  at: number;
}

/** What the cluster's triage decided about the alerts delivered since the run's time 0 (`originMs`), oldest first. */
export async function runTriage(layout: ClusterLayout, originMs: number): Promise<DrillRun['triage']> {
  try {
    const res = await fetch(`http://127.0.0.1:${layout.triagePort}/api/decisions?limit=200`, {
      headers: { authorization: `Bearer ${layout.secrets.triageToken}` }, signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { decisions?: TriageDecision[] };
    return (body.decisions ?? []).filter((d) => d.at >= originMs).sort((a, b) => a.at - b.at).map((d) => ({
      t: (d.at - originMs) / 1000,
      action: `${d.alertname} ${d.status}: ${d.action ? `${d.action.name}${d.action.execute ? '' : ' (not executed)'}` : d.route}`,
      outcome: `${d.mode}: ${d.reasons.join(' ')}`,
    }));
  } catch {
    return [];
  }
}
