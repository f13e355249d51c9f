/**
 * Which series describe an alert, and how they are written for the diagnosis: the alert's own
 * expression, then its target's up, restarts, CPU and memory, chosen from its allow-listed labels
 * (a pod's container series from kube-state-metrics and cAdvisor; else the job/instance's process
 * series, as every Prometheus client exports them). Series labels pass the same allow-list as the
 * alert's labels: what is off it is dropped and named, never written.
 */
import { allowAlert } from '../diagnose/allow-list.js';
import { exprFromGeneratorUrl, selector } from './promql.js';
import type { Series } from './prometheus.js';

/** One query of the context, with what it stands for. */
export interface ContextQuery {
  /** "alert expression", "up", "restarts", "cpu", "memory". */
  name: string;
  query: string;
}

/** The queries for an alert (pure): its expression first, then what its labels let triage name. */
export function contextQueries(alert: { labels: Record<string, string>; generatorURL: string }): ContextQuery[] {
  const l = allowAlert({ labels: alert.labels }).labels;
  const out: ContextQuery[] = [];
  const expr = exprFromGeneratorUrl(alert.generatorURL);
  if (expr !== undefined) out.push({ name: 'alert expression', query: expr });
  const pod = l.pod !== undefined && l.namespace !== undefined ? selector({ namespace: l.namespace, pod: l.pod }) : undefined;
  const target = selector({ job: l.job, instance: l.instance });
  if (target !== undefined) out.push({ name: 'up', query: `up${target}` });
  if (pod !== undefined) {
    const containers = pod.replace(/\}$/, ',container!=""}');
    out.push(
      { name: 'restarts', query: `kube_pod_container_status_restarts_total${pod}` },
      { name: 'cpu', query: `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total${containers}[5m]))` },
      { name: 'memory', query: `sum by (namespace, pod, container) (container_memory_working_set_bytes${containers})` },
    );
  } else if (target !== undefined) {
    out.push(
      { name: 'restarts', query: `changes(process_start_time_seconds${target}[1h])` },
      { name: 'cpu', query: `rate(process_cpu_seconds_total${target}[5m])` },
      { name: 'memory', query: `process_resident_memory_bytes${target}` },
    );
  }
  return out;
}

/** Samples written per series (evenly spread, the newest always among them). */
export const samplesPerSeries = 8;

/** Writes series as lines (relative to `end`, ms) and names the series labels the allow-list dropped. */
export function describeSeries(series: Series[], total: number, end: number): { text: string; dropped: string[] } {
  if (series.length === 0) return { text: 'no data in the window', dropped: [] };
  const dropped = new Set<string>();
  const lines = series.map((s) => {
    const { __name__: metric, ...rest } = s.labels;
    const allowed = allowAlert({ labels: rest });
    for (const d of allowed.dropped) dropped.add(`metric ${d}`);
    const labels = Object.keys(allowed.labels).sort().map((k) => `${k}="${allowed.labels[k]}"`).join(',');
    return `${metric ?? ''}{${labels}}: ${describePoints(s.points, end)}`;
  });
  if (total > series.length) lines.push(`… and ${total - series.length} more series`);
  return { text: lines.join('\n'), dropped: [...dropped].sort() };
}

function describePoints(points: Array<[number, number]>, end: number): string {
  if (points.length === 0) return 'no samples';
  const values = points.map(([, v]) => v);
  const picks = pick(points, samplesPerSeries).map(([t, v]) => `${ago(end - t * 1000)} ${num(v)}`);
  return `last ${num(values.at(-1)!)}, min ${num(Math.min(...values))}, max ${num(Math.max(...values))}; ${picks.join(', ')}`;
}

/** At most n points, evenly spread, always including the last. */
function pick<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = (items.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => items[Math.round(i * step)]!);
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `-${s}s` : `-${Math.round(s / 60)}m`;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
