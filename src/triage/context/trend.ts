/**
 * "Already recovering on its own": the alert's own value, read from Prometheus over the last
 * minutes, moving back toward its threshold. The rule's expression is split at its comparison
 * (promql.ts) and the value part is read, so the series exists whether or not it is over the
 * threshold. Improving means: the newest samples move steadily back (none of the last few turns
 * the wrong way), and the value has come back at least a fifth of the way from its worst toward the
 * threshold, or is already past it. A value with no comparison, no data, or too few samples is
 * "unknown", and unknown never holds an action back.
 */
import { splitThreshold, type Comparison, type Threshold } from './promql.js';
import { queryRange, reasonOf, type Series } from './prometheus.js';

/** What the metrics say about recovery. */
export interface Trend {
  state: 'improving' | 'not-improving' | 'unknown';
  /** One sentence with the figures, for the decision's reasons. */
  detail: string;
}

/** Samples looked at at the end of the window. */
export const tailSamples = 4;

/** Judges a series of values (oldest first) against a rule's threshold (pure). */
export function judgeTrend(values: readonly number[], op: Comparison, threshold: number): Trend {
  if (values.length < tailSamples) return { state: 'unknown', detail: `only ${values.length} samples` };
  // Bad is high for > and >=, low for < and <=; flip so that bad is always high.
  const sign = op === '>' || op === '>=' ? 1 : -1;
  const v = values.map((x) => x * sign);
  const t = threshold * sign;
  const worst = Math.max(...v);
  const last = v.at(-1)!;
  const tail = v.slice(-tailSamples);
  const steady = tail.every((x, i) => i === 0 || x <= tail[i - 1]!) && tail[0]! > last;
  const past = op === '>' || op === '<' ? last <= t : last < t;
  const back = worst > t ? (worst - last) / (worst - t) : 0;
  const figures = `from ${fmt(worst * sign)} at worst to ${fmt(last * sign)} now (threshold ${op} ${fmt(threshold)})`;
  if (steady && (past || back >= 0.2)) return { state: 'improving', detail: `the value fell back steadily ${figures}` };
  return { state: 'not-improving', detail: `the value is not coming back steadily: ${figures}` };
}

/** The series an alert is about: the one whose labels agree with the alert's (else the first). */
export function seriesFor(series: readonly Series[], labels: Record<string, string>): Series | undefined {
  return series.find((s) => Object.entries(s.labels).every(([k, v]) => k === '__name__' || labels[k] === undefined || labels[k] === v)) ?? series[0];
}

/** How a recovery check reads Prometheus. */
export interface TrendReader {
  prometheusUrl: string;
  /** How far back the value is read (minutes). */
  windowMinutes: number;
  stepSeconds: number;
  /** Aborted when the check must give up (the caller's deadline). */
  signal: AbortSignal;
  now: number;
  fetch?: typeof fetch;
}

/** Reads the alert's value over the window and judges it; never throws. */
export async function readTrend(expr: string, labels: Record<string, string>, r: TrendReader): Promise<Trend> {
  const split: Threshold | undefined = splitThreshold(expr);
  if (split === undefined) return { state: 'unknown', detail: 'the alert expression has no plain threshold to compare with' };
  const out = await queryRange({ prometheusUrl: r.prometheusUrl, query: split.value, start: r.now - r.windowMinutes * 60_000, end: r.now, stepSeconds: r.stepSeconds, signal: r.signal, maxSeries: 50, fetch: r.fetch });
  if (!out.ok) return { state: 'unknown', detail: r.signal.aborted ? reasonOf(r.signal) : out.error };
  const s = seriesFor(out.series, labels);
  if (s === undefined) return { state: 'unknown', detail: 'Prometheus has no data for the alert expression' };
  return judgeTrend(s.points.map(([, v]) => v), split.op, split.threshold);
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
