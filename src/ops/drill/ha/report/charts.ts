/**
 * The report's four charts as plain data (series over the run's seconds, and the markers), built
 * here so the page's data tables and the Chart.js script show the same numbers. The browser script
 * (charts.client.ts) only hands these to Chart.js.
 */
import type { DrillRun, RunEvent } from '../run.js';

/** One series of a chart. */
export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

/** One chart: its kind, title, caption, axis label and series over `t`. */
export interface ChartSpec {
  id: string;
  kind: 'line' | 'stacked-bar';
  title: string;
  caption: string;
  yLabel: string;
  t: number[];
  series: Series[];
}

/** A vertical marker on every chart. */
export interface Marker {
  t: number;
  label: string;
  color: string;
  dashed: boolean;
}

// Colours readable on white and apart for the common forms of colour blindness (Okabe–Ito).
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const eventColours: Record<RunEvent['kind'], string> = { fault: '#B00020', heal: '#1B7F3B', primary: '#5B2C91', alert: '#B35900', triage: '#005A8C', note: '#555555' };

/** The markers: every event, plus the write gap's last commit on the old timeline and first on the new. */
export function chartMarkers(run: DrillRun): Marker[] {
  const markers = run.events.map((e) => ({ t: e.t, label: `${e.kind}: ${e.detail}`, color: eventColours[e.kind], dashed: e.kind !== 'fault' && e.kind !== 'heal' }));
  if (run.writeGap) {
    markers.push({ t: run.writeGap.lastOldT, label: 'last commit on the old timeline', color: '#000000', dashed: true });
    markers.push({ t: run.writeGap.firstNewT, label: 'first commit on the new timeline', color: '#000000', dashed: true });
  }
  return markers.sort((a, b) => a.t - b.t);
}

/** The error kinds seen in the run, most frequent first. */
function errorKinds(run: DrillRun): string[] {
  const totals = new Map<string, number>();
  for (const p of run.timeline) for (const [k, n] of Object.entries(p.errors)) totals.set(k, (totals.get(k) ?? 0) + n);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

/** The four charts of a run: throughput by outcome, latency, errors by kind, and the write gap. */
export function chartSpecs(run: DrillRun): ChartSpec[] {
  const tl = run.timeline;
  const t = tl.map((p) => p.t);
  const gap = run.figures.writeGapSeconds === null ? 'no promotion was seen, so there is no write gap' : `the write gap was ${run.figures.writeGapSeconds.toFixed(2)} s`;
  return [
    {
      id: 'throughput', kind: 'line', title: 'Throughput', yLabel: 'requests/s', t,
      caption: 'Requests per second by outcome: ok, failed (nothing saved) and indeterminate (may or may not be saved).',
      series: [
        { label: 'all requests', values: tl.map((p) => p.requests), color: palette[0]! },
        { label: 'ok', values: tl.map((p) => p.ok), color: palette[2]! },
        { label: 'fail', values: tl.map((p) => p.fail), color: palette[1]! },
        { label: 'indeterminate', values: tl.map((p) => p.indeterminate), color: palette[3]! },
      ],
    },
    {
      id: 'latency', kind: 'line', title: 'Latency', yLabel: 'ms', t,
      caption: 'Latency of each second’s requests, median (p50) and 99th percentile (p99), in milliseconds; a gap is a second with no answer.',
      series: [
        { label: 'p50', values: tl.map((p) => p.p50Ms), color: palette[0]! },
        { label: 'p99', values: tl.map((p) => p.p99Ms), color: palette[1]! },
      ],
    },
    {
      id: 'errors', kind: 'stacked-bar', title: 'Errors by kind', yLabel: 'errors/s', t,
      caption: 'Errors per second, stacked by kind (HTTP status or Kona error code, or the transport error).',
      series: errorKinds(run).map((k, i) => ({ label: k, values: tl.map((p) => p.errors[k] ?? 0), color: palette[i % palette.length]! })),
    },
    {
      id: 'write-gap', kind: 'line', title: 'Write gap', yLabel: 'ok writes/s', t,
      caption: `Acknowledged requests per second around the failover, marked at the last commit on the old timeline and the first on the new: ${gap}.`,
      series: [{ label: 'ok', values: tl.map((p) => p.ok), color: palette[2]! }],
    },
  ];
}
