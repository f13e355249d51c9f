/**
 * Where each kind of model server reports its load, and how that maps to what the router weighs.
 * vLLM: `/metrics` (running and waiting requests, KV-cache use). llama.cpp: `/slots` (on unless the
 * server runs with `--no-slots`: its slot count and which slots are busy) and `/metrics` (only with
 * `--metrics`: processing and deferred requests); either is enough. Ollama publishes no request
 * counts at all; `/api/ps` says which models are loaded, so a backend that would have to load the
 * requested model first (seconds) is told apart from one that has it in memory. TGI and plain
 * OpenAI-compatible servers are not polled. Every mapping is strict: an answer of the wrong shape is
 * an error, never a guess (the router then falls back on its own in-flight count).
 */
import type { BackendKind } from '../types.js';
import { parseSignals, type BackendSignals, type Parsed } from './parse.js';

/** What one poll of a backend yields: load counts and, where the server says, the models it has loaded. */
export interface BackendReading {
  signals?: BackendSignals;
  /** Models held in memory (Ollama `/api/ps`); a model not listed must be loaded before it answers. */
  residentModels?: string[];
}

/** One GET's outcome: its status and body text, or the reason it failed. */
export type Answer = { status: number; text: string } | { error: string };

/** A kind's signal source: the paths it reads and how their answers (in the same order) map to a reading. */
export interface SignalSource {
  paths: string[];
  map(answers: Answer[]): Parsed<BackendReading>;
}

/** The body of a 200 answer, or what was wrong. */
function bodyOf(path: string, a: Answer | undefined): Parsed<string> {
  if (a === undefined) return { ok: false, error: `GET ${path} not sent` };
  if ('error' in a) return { ok: false, error: `GET ${path} ${a.error}` };
  return a.status === 200 ? { ok: true, value: a.text } : { ok: false, error: `GET ${path} answered ${a.status}` };
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Maps llama.cpp's `/slots` (a list of `{ id, is_processing }`) to its slot count and busy slots. */
export function slotsFromLlamacpp(body: unknown): Parsed<{ slots: number; busy: number }> {
  if (!Array.isArray(body) || body.length === 0) return { ok: false, error: '/slots is not a list of slots' };
  let busy = 0;
  for (const slot of body as Array<{ is_processing?: unknown }>) {
    if (typeof slot?.is_processing !== 'boolean') return { ok: false, error: '/slots entry without is_processing' };
    if (slot.is_processing) busy++;
  }
  return { ok: true, value: { slots: body.length, busy } };
}

/** Maps Ollama's `/api/ps` (`{ models: [{ name, model }] }`) to the names of the models it has loaded. */
export function residentFromOllama(body: unknown): Parsed<string[]> {
  const models = (body as { models?: unknown } | undefined)?.models;
  if (!Array.isArray(models)) return { ok: false, error: '/api/ps has no model list' };
  const names = new Set<string>();
  for (const m of models as Array<{ name?: unknown; model?: unknown }>) {
    for (const n of [m?.name, m?.model]) if (typeof n === 'string' && n !== '') names.add(n);
  }
  return { ok: true, value: [...names] };
}

const vllm: SignalSource = {
  paths: ['/metrics'],
  map([metrics]) {
    const text = bodyOf('/metrics', metrics);
    if (!text.ok) return text;
    const parsed = parseSignals('vllm', text.value);
    return parsed.ok ? { ok: true, value: { signals: parsed.value } } : parsed;
  },
};

const llamacpp: SignalSource = {
  paths: ['/slots', '/metrics'],
  map([slotsAnswer, metricsAnswer]) {
    const errors: string[] = [];
    let slots: { slots: number; busy: number } | undefined;
    let counts: BackendSignals | undefined;
    const slotsText = bodyOf('/slots', slotsAnswer);
    const slotsParsed = slotsText.ok ? slotsFromLlamacpp(json(slotsText.value)) : slotsText;
    if (slotsParsed.ok) slots = slotsParsed.value;
    else errors.push(slotsParsed.error);
    const metricsText = bodyOf('/metrics', metricsAnswer);
    const metricsParsed = metricsText.ok ? parseSignals('llamacpp', metricsText.value) : metricsText;
    if (metricsParsed.ok) counts = metricsParsed.value;
    else errors.push(metricsParsed.error);
    if (!slots && !counts) return { ok: false, error: errors.join('; ') };
    // /slots shows no deferred requests: with it alone, waiting reads 0 — an undercount the router
    // tolerates, since it weighs the larger of its own in-flight count and the server's.
    const signals: BackendSignals = counts ?? { running: slots!.busy, waiting: 0 };
    if (slots) signals.slots = slots.slots;
    return { ok: true, value: { signals } };
  },
};

const ollama: SignalSource = {
  paths: ['/api/ps'],
  map([ps]) {
    const text = bodyOf('/api/ps', ps);
    if (!text.ok) return text;
    const parsed = residentFromOllama(json(text.value));
    return parsed.ok ? { ok: true, value: { residentModels: parsed.value } } : parsed;
  },
};

const sources: Partial<Record<BackendKind, SignalSource>> = { vllm, llamacpp, ollama };

/** The signal source of a kind; undefined for kinds that are not polled (TGI, plain OpenAI). */
export function signalSource(kind: BackendKind): SignalSource | undefined {
  return sources[kind];
}
