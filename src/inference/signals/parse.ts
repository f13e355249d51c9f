/**
 * Reads a backend's own load signals from its Prometheus text exposition (`/metrics`).
 * prom-client only writes this format, it has no parser, so a small strict one lives here: a line
 * we do not understand is an error (with its line number), never a guess, because a misread queue
 * length would steer routing worse than no reading at all (the router then uses its own count).
 */
import type { BackendKind, BackendLoad } from '../types.js';

/** One sample line: `name{labels} value [timestamp]`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

/** A backend's load signals as the router consumes them. */
export type BackendSignals = NonNullable<BackendLoad['signals']>;

/** Either a value or a message saying what was wrong; parsing never throws. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const floatPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | undefined {
  switch (text) {
    case 'NaN': return NaN;
    case '+Inf': case 'Inf': return Number.POSITIVE_INFINITY;
    case '-Inf': return Number.NEGATIVE_INFINITY;
  }
  return floatPattern.test(text) ? Number(text) : undefined;
}

/** Parses `{a="x",b="y\"z"}` starting at `pos` (which holds `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, pos: number): { labels: Record<string, string>; end: number } | string {
  const labels: Record<string, string> = {};
  let i = pos + 1;
  for (;;) {
    while (line[i] === ' ') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = labelNamePattern.exec(line.slice(i))?.[0];
    if (!name) return `bad label name at column ${i + 1}`;
    i += name.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=' ) return `expected = after label ${name}`;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return `expected " to open the value of label ${name}`;
    i++;
    let value = '';
    for (;; i++) {
      const c = line[i];
      if (c === undefined) return `unterminated value of label ${name}`;
      if (c === '"') break;
      if (c === '\\') {
        const e = line[++i];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else return `bad escape \\${e ?? ''} in label ${name}`;
      } else value += c;
    }
    i++;
    if (Object.hasOwn(labels, name)) return `label ${name} repeated`;
    labels[name] = value;
    while (line[i] === ' ') i++;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') return `expected , or } after label ${name}`;
  }
}

function parseLine(line: string): Sample | string {
  const name = namePattern.exec(line)?.[0];
  if (!name) return 'expected a metric name';
  let labels: Record<string, string> = {};
  let i = name.length;
  if (line[i] === '{') {
    const l = parseLabels(line, i);
    if (typeof l === 'string') return l;
    labels = l.labels;
    i = l.end;
  }
  if (line[i] !== ' ' && line[i] !== '\t') return 'expected a space before the value';
  const parts = line.slice(i).trim().split(/[ \t]+/);
  const value = parseNumber(parts[0] ?? '');
  if (value === undefined) return `bad value "${parts[0] ?? ''}"`;
  if (parts.length > 2) return 'unexpected text after the timestamp';
  if (parts[1] === undefined) return { name, labels, value };
  if (!/^-?\d+$/.test(parts[1])) return `bad timestamp "${parts[1]}"`;
  return { name, labels, value, timestamp: Number(parts[1]) };
}

/** Parses Prometheus text exposition (format 0.0.4) into samples; comments and blank lines are skipped. */
export function parseExposition(text: string): Parsed<Sample[]> {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const sample = parseLine(line.trimStart());
    if (typeof sample === 'string') return { ok: false, error: `metrics line ${n + 1}: ${sample}: ${JSON.stringify(line.slice(0, 120))}` };
    samples.push(sample);
  }
  return { ok: true, value: samples };
}

/** Prometheus metric names per backend kind; kinds absent here expose none (Ollama, TGI, generic OpenAI; see kinds.ts). */
const metricNames: Partial<Record<BackendKind, { waiting: string; running: string; kv: string[] }>> = {
  // vLLM renamed gpu_cache_usage_perc to kv_cache_usage_perc in v0.10; older servers still send the former.
  vllm: { waiting: 'vllm:num_requests_waiting', running: 'vllm:num_requests_running', kv: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'] },
  llamacpp: { waiting: 'llamacpp:requests_deferred', running: 'llamacpp:requests_processing', kv: ['llamacpp:kv_cache_usage_ratio'] },
};

/** Sums one metric over its label sets (vLLM labels each model separately); undefined when absent. */
function total(samples: Sample[], name: string): number | undefined {
  const found = samples.filter((s) => s.name === name);
  return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
}

/** Maps samples to load signals for a backend kind; missing or nonsensical counts are errors. */
export function signalsFromSamples(kind: BackendKind, samples: Sample[]): Parsed<BackendSignals> {
  const names = metricNames[kind];
  if (!names) return { ok: false, error: `backends of kind ${kind} publish no load metrics` };
  const waiting = total(samples, names.waiting);
  const running = total(samples, names.running);
  for (const [label, v] of [[names.waiting, waiting], [names.running, running]] as const) {
    if (v === undefined) return { ok: false, error: `metric ${label} missing` };
    if (!Number.isFinite(v) || v < 0) return { ok: false, error: `metric ${label} is ${v}, not a count` };
  }
  const signals: BackendSignals = { waiting: waiting!, running: running! };
  // Usage is a ratio per model; with several models the largest one is what fills the GPU first.
  for (const kvName of names.kv) {
    const values = samples.filter((s) => s.name === kvName && Number.isFinite(s.value)).map((s) => s.value);
    if (values.length > 0) {
      signals.kvCacheUsage = Math.min(1, Math.max(0, ...values));
      break;
    }
  }
  return { ok: true, value: signals };
}

/** Parses `/metrics` text and maps it to load signals for a backend kind. */
export function parseSignals(kind: BackendKind, text: string): Parsed<BackendSignals> {
  const parsed = parseExposition(text);
  return parsed.ok ? signalsFromSamples(kind, parsed.value) : parsed;
}
