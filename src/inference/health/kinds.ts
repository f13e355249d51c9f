/**
 * What a probe asks each kind of model server, from what that server documents. vLLM, llama.cpp and
 * TGI answer `GET /health` (llama.cpp with 503 while its model loads) and list models on `/v1/models`.
 * Ollama has no `/health`: it is alive when `GET /api/version` answers a version, and a model is
 * there when `GET /api/tags` lists it (Ollama names carry a tag, `llama3` is `llama3:latest`). A
 * plain OpenAI-compatible server is asked only `/v1/models`. Each check returns a short, content-free
 * problem or undefined.
 */
import type { BackendKind } from '../types.js';

/** One probe step: its name (for the failure reason) and the check, under the caller's abort signal. */
export type ProbeStep = [name: string, run: (signal: AbortSignal) => Promise<string | undefined>];

/** What a kind's probe needs to know about the backend. */
export interface KindProbeTarget {
  baseUrl: string;
  models: string[];
  /** The server kind (default: vllm, whose endpoints most servers share). */
  kind?: BackendKind;
}

/** Whether `listed` (a server's model name) is the configured `wanted`, allowing Ollama's implicit `:latest`. */
export function sameModel(wanted: string, listed: string): boolean {
  if (wanted === listed) return true;
  const tagged = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return tagged(wanted) === tagged(listed);
}

/** Checks a `{ version: string }` answer (Ollama's `/api/version`). */
export function checkOllamaVersion(status: number, body: unknown): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  const v = (body as { version?: unknown } | undefined)?.version;
  return typeof v === 'string' && v !== '' ? undefined : 'no version in the answer';
}

/** Checks that every configured model is listed by Ollama's `/api/tags` (`{ models: [{ name }] }`). */
export function checkOllamaTags(status: number, body: unknown, models: string[]): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  const list = (body as { models?: unknown } | undefined)?.models;
  if (!Array.isArray(list)) return 'malformed model list';
  const names = list.flatMap((m: { name?: unknown; model?: unknown }) => [m?.name, m?.model]).filter((n): n is string => typeof n === 'string');
  return models.every((w) => names.some((n) => sameModel(w, n))) ? undefined : 'configured model not listed';
}

/** Checks an OpenAI `/v1/models` answer (`{ data: [{ id }] }`) lists every configured model. */
export function checkOpenAiModels(status: number, body: unknown, models: string[]): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  const data = (body as { data?: Array<{ id?: unknown }> } | undefined)?.data;
  const ids = Array.isArray(data) ? data.map((m) => m?.id) : [];
  return models.every((m) => ids.includes(m)) ? undefined : 'configured model not listed';
}

async function getJson(url: string, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal });
  const body: unknown = await res.json().catch(() => undefined); // also drains, so the connection is reused
  return { status: res.status, body };
}

/** The liveness and model steps of a probe for this backend's kind (the canary is the caller's). */
export function kindProbeSteps(target: KindProbeTarget): ProbeStep[] {
  const base = target.baseUrl;
  const health: ProbeStep = ['health', async (signal) => {
    const { status } = await getJson(`${base}/health`, signal);
    return status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
  }];
  const openAiModels: ProbeStep = ['models', async (signal) => {
    const { status, body } = await getJson(`${base}/v1/models`, signal);
    return checkOpenAiModels(status, body, target.models);
  }];
  switch (target.kind ?? 'vllm') {
    case 'ollama':
      return [
        ['version', async (signal) => { const r = await getJson(`${base}/api/version`, signal); return checkOllamaVersion(r.status, r.body); }],
        ['models', async (signal) => { const r = await getJson(`${base}/api/tags`, signal); return checkOllamaTags(r.status, r.body, target.models); }],
      ];
    case 'openai':
      return [openAiModels];
    default:
      return [health, openAiModels];
  }
}
