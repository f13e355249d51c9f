/**
 * Gathers the infrastructure context of an alert for the diagnosis tier: recent series from
 * Prometheus (metrics.ts), and the affected objects' state and recent logs from Kubernetes or the
 * local executor's targets. Every source runs at once under one deadline on the triage clock: a
 * slow Prometheus or API server costs at most `timeoutMs` and leaves a note, never a hung triage.
 * Sizes are bounded by whole lines (a cut line could leave half a secret the scrubber no longer
 * recognises): the newest log lines that fit, lines over `maxLineChars` left out and counted.
 * Nothing here is scrubbed: the Diagnoser scrubs the whole text it builds from this, and the
 * series labels have already passed the allow-list.
 */
import type { Clock } from '../../platform/clock/clock.js';
import { allowAlert } from '../diagnose/allow-list.js';
import { contextQueries, describeSeries } from './metrics.js';
import { queryRange, reasonOf } from './prometheus.js';
import type { LogBlock, SourceResult } from './source.js';

/** A source of objects and logs (KubernetesSource, LocalSource). */
export interface ObjectSource {
  read(labels: Record<string, string>, signal: AbortSignal): Promise<SourceResult>;
}

/** How the gatherer is built (from the KONA_TRIAGE_CONTEXT_* settings). */
export interface GathererOptions {
  clock: Clock;
  /** Prometheus's base URL; without it no series are read. */
  prometheusUrl?: string;
  /** How far back series are read (minutes). */
  windowMinutes: number;
  /** The step of range queries (default: about 60 samples over the window, at least 15 s). */
  stepSeconds?: number;
  /** The deadline for everything together (ms). */
  timeoutMs: number;
  /** Characters each piece (a query's series, a log block) may take. */
  maxCharsPerPiece: number;
  sources?: ObjectSource[];
  fetch?: typeof fetch;
}

/** A log line longer than this is left out whole. */
export const maxLineChars = 1000;

/** What was gathered, as the Diagnoser takes it. */
export interface GatheredContext {
  metrics: { query: string; result: string }[];
  objects: string[];
  logs: string[];
  /** What could not be read or was cut, and why (sent with the text, shown on the page). */
  notes: string[];
  /** Series labels the allow-list left out ("metric label owner"). */
  dropped: string[];
}

/** Reads an alert's context from every configured source under one deadline. */
export class ContextGatherer {
  constructor(private readonly opts: GathererOptions) {}

  /** Everything that could be read within the deadline; never throws. */
  async gather(alert: { labels: Record<string, string>; generatorURL: string }): Promise<GatheredContext> {
    const out: GatheredContext = { metrics: [], objects: [], logs: [], notes: [], dropped: [] };
    const controller = new AbortController();
    const seconds = this.opts.timeoutMs / 1000;
    const timer = this.opts.clock.setTimer(() => controller.abort(new Error(`gave up after ${seconds} s`)), this.opts.timeoutMs);
    const gaveUp = new Promise<'late'>((resolve) => controller.signal.addEventListener('abort', () => resolve('late'), { once: true }));
    const labels = allowAlert({ labels: alert.labels }).labels;
    try {
      const metrics = this.metrics(alert, controller.signal);
      const sources = (this.opts.sources ?? []).map((s) => s.read(labels, controller.signal).catch((err: Error) => ({ objects: [], logs: [], notes: [`A context source failed: ${err.message.slice(0, 200)}`] })));
      const [m, ...rest] = await Promise.all([metrics, ...sources].map((p, i) => Promise.race([p, gaveUp]).then((r) => (r === 'late' ? lateNote(i) : r))));
      Object.assign(out, { metrics: (m as GatheredContext).metrics, dropped: (m as GatheredContext).dropped });
      out.notes.push(...(m as GatheredContext).notes);
      for (const r of rest as SourceResult[]) {
        out.objects.push(...r.objects.map((o) => this.fit(o, out.notes, 'an object state')));
        out.logs.push(...r.logs.map((b) => this.logText(b, out.notes)));
        out.notes.push(...r.notes);
      }
    } finally {
      this.opts.clock.clearTimer(timer);
    }
    return out;

    function lateNote(i: number): GatheredContext | SourceResult {
      const note = `${i === 0 ? 'Prometheus' : 'A context source'}: no answer in time (${reasonOf(controller.signal)}).`;
      return i === 0 ? { metrics: [], objects: [], logs: [], notes: [note], dropped: [] } : { objects: [], logs: [], notes: [note] };
    }
  }

  private async metrics(alert: { labels: Record<string, string>; generatorURL: string }, signal: AbortSignal): Promise<GatheredContext> {
    const out: GatheredContext = { metrics: [], objects: [], logs: [], notes: [], dropped: [] };
    const url = this.opts.prometheusUrl;
    if (url === undefined) return out;
    const end = this.opts.clock.now();
    const start = end - this.opts.windowMinutes * 60_000;
    // About 60 samples over the window, never finer than 15 s.
    const step = this.opts.stepSeconds ?? Math.max(15, Math.round((this.opts.windowMinutes * 60) / 60));
    const queries = contextQueries(alert);
    const results = await Promise.all(queries.map((q) => queryRange({ prometheusUrl: url, query: q.query, start, end, stepSeconds: step, signal, fetch: this.opts.fetch })));
    const dropped = new Set<string>();
    results.forEach((r, i) => {
      const q = queries[i]!;
      if (!r.ok) {
        out.notes.push(`Prometheus (${q.name}): ${r.error}.`);
        return;
      }
      const d = describeSeries(r.series, r.total, end);
      d.dropped.forEach((x) => dropped.add(x));
      out.metrics.push({ query: `${q.query}  [${q.name}, last ${this.opts.windowMinutes} min]`, result: this.fitLines(d.text, out.notes, `the ${q.name} series`) });
    });
    out.dropped = [...dropped].sort();
    return out;
  }

  /** A log block: the newest whole lines that fit, headed by where they came from. */
  private logText(block: LogBlock, notes: string[]): string {
    const long = block.lines.filter((l) => l.length > maxLineChars).length;
    if (long > 0) notes.push(`${long} line${long === 1 ? '' : 's'} of ${block.source} longer than ${maxLineChars} characters left out.`);
    const kept = this.newestThatFit(block.lines.filter((l) => l.length <= maxLineChars));
    const cut = block.lines.length - long - kept.length;
    if (cut > 0) notes.push(`${cut} older line${cut === 1 ? '' : 's'} of ${block.source} left out (size limit ${this.opts.maxCharsPerPiece} characters).`);
    return [`${block.source} (${kept.length} lines):`, ...kept].join('\n');
  }

  private newestThatFit(lines: string[]): string[] {
    const kept: string[] = [];
    let size = 0;
    for (let i = lines.length - 1; i >= 0; i--) {
      size += lines[i]!.length + 1;
      if (size > this.opts.maxCharsPerPiece) break;
      kept.unshift(lines[i]!);
    }
    return kept;
  }

  private fitLines(text: string, notes: string[], what: string): string {
    const lines = text.split('\n');
    const kept: string[] = [];
    let size = 0;
    for (const l of lines) {
      size += l.length + 1;
      if (size > this.opts.maxCharsPerPiece) break;
      kept.push(l);
    }
    if (kept.length < lines.length) notes.push(`${lines.length - kept.length} lines of ${what} left out (size limit ${this.opts.maxCharsPerPiece} characters).`);
    return kept.join('\n');
  }

  private fit(line: string, notes: string[], what: string): string {
    if (line.length <= this.opts.maxCharsPerPiece) return line;
    notes.push(`${what} was longer than ${this.opts.maxCharsPerPiece} characters and left out.`);
    return `[${what} left out: too long]`;
  }
}
