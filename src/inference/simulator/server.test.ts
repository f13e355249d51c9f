import { afterEach, describe, expect, it } from 'vitest';
import { startSimBackend, type RunningSimBackend, type SimBackendOptions } from './server.js';
import { chat, metric, readEvents, setFaults, waitFor } from './simulator.testing.js';
import { loremText } from './text.js';

const fast = { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 1000 };
let sims: RunningSimBackend[] = [];

async function start(opts: SimBackendOptions = {}): Promise<RunningSimBackend> {
  const sim = await startSimBackend({ timing: fast, modelName: 'm', ...opts });
  sims.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

describe('simulated backend: OpenAI API', () => {
  it('answers a non-streamed completion with deterministic text and usage', async () => {
    const sim = await start();
    const res = await chat(sim, {});
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: loremText(5) }, finish_reason: 'length' }] });
    expect(body.usage.completion_tokens).toBe(5);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams SSE chunks ending in [DONE], with usage when asked', async () => {
    const sim = await start();
    const res = await chat(sim, { stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { events, broken } = await readEvents(res);
    expect(broken).toBe(false);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(loremText(5));
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1).usage.completion_tokens).toBe(5);
  });

  it('returns deterministic unit embeddings', async () => {
    const sim = await start({ embeddingDim: 8 });
    const embed = async (input: unknown) => (await (await fetch(`${sim.url}/v1/embeddings`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input }),
    })).json()).data.map((d: { embedding: number[] }) => d.embedding) as number[][];
    const [a] = await embed('brown dog');
    const [b, c] = await embed(['brown dog', 'black cat']);
    expect(a).toHaveLength(8);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
  });

  it('lists its model and reports health', async () => {
    const sim = await start();
    expect((await (await fetch(`${sim.url}/v1/models`)).json()).data[0].id).toBe('m');
    const health = await fetch(`${sim.url}/health`);
    expect(health.status).toBe(200);
  });

  it('rejects malformed requests with OpenAI-style 400 bodies', async () => {
    const sim = await start();
    const post = (body: string) => fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const body of ['{not json', '{"model":"m"}', '{"model":"m","messages":[]}', '{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-1}']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      const err = (await res.json()).error;
      expect(err.type).toBe('invalid_request_error');
      expect(typeof err.message).toBe('string');
      expect(err.code).toBeTruthy();
    }
    const unknown = await chat(sim, { model: 'other' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('model_not_found');
    expect((await setFaults(sim, { errorStatus: 418 })).status).toBe(400);
  });
});

describe('simulated backend: slots, queue and metrics', () => {
  it('shows running and waiting in vLLM metrics, and a client disconnect frees the slot', async () => {
    const sim = await start({ timing: { ...fast, baseStepMs: 50 } });
    const aborts = [0, 1, 2].map(() => new AbortController());
    const pending = aborts.map((a) => chat(sim, { max_tokens: 1000 }, a.signal).catch(() => 'aborted'));
    const scrape = async () => (await fetch(`${sim.url}/metrics`)).text();
    await waitFor(async () => (await scrape()).includes('vllm:num_requests_waiting{model_name="m"} 1'));
    const text = await scrape();
    expect(metric(text, 'vllm:num_requests_running')).toBe(2);
    expect(metric(text, 'vllm:kv_cache_usage_perc')).toBeGreaterThan(0);
    for (const a of aborts) a.abort();
    expect(await Promise.all(pending)).toEqual(['aborted', 'aborted', 'aborted']);
    await waitFor(async () => {
      const t = await scrape();
      return metric(t, 'vllm:num_requests_running') === 0 && metric(t, 'vllm:num_requests_waiting') === 0;
    });
  });

  it('speaks llama.cpp metrics and /slots, and has no /metrics when the flavour is none', async () => {
    const llama = await start({ flavour: 'llamacpp' });
    const a = new AbortController();
    const pending = chat(llama, { max_tokens: 100_000 }, a.signal).catch(() => 'aborted');
    await waitFor(async () => (await (await fetch(`${llama.url}/slots`)).json()).some((s: { is_processing: boolean }) => s.is_processing));
    const text = await (await fetch(`${llama.url}/metrics`)).text();
    expect(metric(text, 'llamacpp:requests_processing')).toBe(1);
    expect(metric(text, 'llamacpp:requests_deferred')).toBe(0);
    a.abort();
    await pending;
    const none = await start({ flavour: 'none' });
    expect((await fetch(`${none.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${llama.url}/slots`)).status).toBe(200);
  });
});
