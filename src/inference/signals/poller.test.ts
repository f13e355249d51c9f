import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { startSimBackend, type RunningSimBackend, type SimBackendOptions } from '../simulator/server.js';
import { chat, waitFor } from '../simulator/simulator.testing.js';
import { SignalPoller, type PolledBackend, type SignalPollerOptions } from './poller.js';

// One slot and slow decoding: a 200-token request holds its slot for seconds, so counts are observable.
const slow = { slots: 1, baseStepMs: 25, alpha: 0, prefillMsPerToken: 0, kvTokenBudget: 10_000 };
const vllmBody = 'vllm:num_requests_running{model_name="m"} 2\nvllm:num_requests_waiting{model_name="m"} 3\n';

let sims: RunningSimBackend[] = [];
let pollers: SignalPoller[] = [];
let aborts: AbortController[] = [];

afterEach(async () => {
  for (const p of pollers) p.stop();
  for (const a of aborts) a.abort();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  pollers = [];
  aborts = [];
});

async function sim(opts: SimBackendOptions): Promise<RunningSimBackend> {
  const s = await startSimBackend({ timing: slow, modelName: 'm', ...opts });
  sims.push(s);
  return s;
}

/** A stopped poller; its clock never moves unless a test passes its own, so no reading ages and no poll times out by itself. */
function poller(backends: PolledBackend[], opts: Partial<SignalPollerOptions> = {}): SignalPoller {
  const p = new SignalPoller(backends, { intervalMs: 1000, timeoutMs: 5000, staleMs: 5000, clock: new ManualClock(), ...opts });
  pollers.push(p);
  return p;
}

/** Starts `n` long completions that are cancelled in afterEach. */
function load(s: RunningSimBackend, n: number): void {
  for (let i = 0; i < n; i++) {
    const a = new AbortController();
    aborts.push(a);
    chat(s, { max_tokens: 200 }, a.signal).then((r) => r.body?.cancel()).catch(() => {});
  }
}

/** A fetch stand-in answering from a queue of outcomes and counting calls. */
function fakeFetch(outcomes: Array<string | Error | 'hang'>) {
  const calls: string[] = [];
  const fn = (async (url: string, init?: RequestInit) => {
    calls.push(String(url));
    const next = outcomes.shift() ?? 'hang';
    if (next instanceof Error) throw next;
    if (next === 'hang') {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    return new Response(next, { status: 200 });
  }) as typeof fetch;
  return { fn, calls };
}

describe('SignalPoller against the simulator', () => {
  it('reads vLLM running and waiting counts while requests are in flight', async () => {
    const s = await sim({ flavour: 'vllm' });
    const p = poller([{ name: 'gpu', baseUrl: s.url, kind: 'vllm' }]);
    await p.pollAll();
    expect(p.signalsOf('gpu')).toEqual({ running: 0, waiting: 0, kvCacheUsage: 0 });
    load(s, 3);
    await waitFor(async () => {
      await p.pollAll();
      return p.signalsOf('gpu')?.waiting === 2;
    });
    expect(p.signalsOf('gpu')).toMatchObject({ running: 1, waiting: 2 });
    expect(p.signalsOf('gpu')!.kvCacheUsage).toBeGreaterThan(0);
    expect(p.errors()).toEqual({});
  });

  it('maps llama.cpp deferred and processing', async () => {
    const s = await sim({ flavour: 'llamacpp' });
    const p = poller([{ name: 'cpp', baseUrl: `${s.url}/`, kind: 'llamacpp' }]);
    load(s, 2);
    await waitFor(async () => {
      await p.pollAll();
      return p.signalsOf('cpp')?.waiting === 1;
    });
    expect(p.signalsOf('cpp')).toMatchObject({ running: 1, waiting: 1 });
  });

  it('gives undefined and records the error when the server has no /metrics', async () => {
    const s = await sim({ flavour: 'none' });
    const p = poller([{ name: 'bare', baseUrl: s.url, kind: 'vllm' }]);
    await p.pollAll();
    expect(p.signalsOf('bare')).toBeUndefined();
    expect(p.errors().bare).toMatch(/answered 404/);
  });

  it('never polls kinds that report no load', async () => {
    const s = await sim({ flavour: 'none' });
    const f = fakeFetch([]);
    const p = poller([{ name: 'tgi', baseUrl: s.url, kind: 'tgi' }, { name: 'oa', baseUrl: s.url, kind: 'openai' }], { fetch: f.fn });
    await p.pollAll();
    await p.pollOne('tgi');
    expect(f.calls).toEqual([]);
    expect(p.signalsOf('tgi')).toBeUndefined();
  });

  it('reads llama.cpp /slots for its slot count and busy slots', async () => {
    const s = await sim({ flavour: 'llamacpp' });
    const p = poller([{ name: 'cpp', baseUrl: s.url, kind: 'llamacpp' }]);
    await p.pollAll();
    expect(p.signalsOf('cpp')).toMatchObject({ running: 0, waiting: 0, slots: 1 });
    load(s, 1);
    await waitFor(async () => {
      await p.pollAll();
      return p.signalsOf('cpp')?.running === 1;
    });
    expect(p.signalsOf('cpp')!.slots).toBe(1);
  });

  it('reads which models a simulated Ollama holds: none until the first request, then the model', async () => {
    const s = await sim({ flavour: 'ollama' });
    const p = poller([{ name: 'ol', baseUrl: s.url, kind: 'ollama' }]);
    await p.pollAll();
    expect(p.residentModelsOf('ol')).toEqual([]);
    expect(p.signalsOf('ol')).toBeUndefined(); // Ollama reports no request counts
    load(s, 1);
    await waitFor(async () => {
      await p.pollAll();
      return (p.residentModelsOf('ol') ?? []).length > 0;
    });
    expect(p.residentModelsOf('ol')).toEqual(['m:latest']);
    expect(p.errors()).toEqual({});
  });
});

describe('SignalPoller freshness (virtual clock)', () => {
  it('withholds a reading once it is as old as staleMs', async () => {
    const clock = new ManualClock();
    const p = poller([{ name: 'gpu', baseUrl: 'http://x', kind: 'vllm' }], { clock, fetch: fakeFetch([vllmBody]).fn });
    await p.pollOne('gpu');
    clock.advance(4999);
    expect(p.signalsOf('gpu')).toEqual({ running: 2, waiting: 3 });
    clock.advance(1);
    expect(p.signalsOf('gpu')).toBeUndefined();
    expect(p.signalsOf('gpu', 100)).toEqual({ running: 2, waiting: 3 }); // an explicit `now` is honoured
  });

  it('does not extend freshness on a failed or malformed poll, and recovers on a good one', async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    const f = fakeFetch([vllmBody, new Error('ECONNREFUSED'), 'not metrics at all', vllmBody]);
    const p = poller([{ name: 'gpu', baseUrl: 'http://x', kind: 'vllm' }], { clock, fetch: f.fn, onError: (_n, e) => errors.push(e) });
    await p.pollOne('gpu');
    clock.advance(3000);
    await p.pollOne('gpu');
    await p.pollOne('gpu');
    expect(p.signalsOf('gpu')).toEqual({ running: 2, waiting: 3 }); // the good reading still stands…
    clock.advance(2000);
    expect(p.signalsOf('gpu')).toBeUndefined(); // …but only until 5 s after it was taken
    expect(errors).toEqual(['GET /metrics failed: ECONNREFUSED', expect.stringMatching(/^metrics line 1: bad value/)]);
    await p.pollOne('gpu');
    expect(p.signalsOf('gpu')).toEqual({ running: 2, waiting: 3 });
    expect(p.errors()).toEqual({});
  });

  it('polls on its interval until stopped, and times out a hung request', async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    const f = fakeFetch([vllmBody, 'hang', vllmBody]);
    const p = poller([{ name: 'gpu', baseUrl: 'http://x', kind: 'vllm' }], { clock, fetch: f.fn, intervalMs: 1000, timeoutMs: 500, onError: (_n, e) => errors.push(e) });
    p.start();
    expect(f.calls).toEqual(['http://x/metrics']);
    await waitFor(() => p.signalsOf('gpu', clock.now()) !== undefined); // first poll done
    clock.advance(1000); // second poll hangs
    expect(f.calls).toHaveLength(2);
    clock.advance(500); // its timeout fires
    await waitFor(() => errors.length === 1);
    expect(errors[0]).toBe('GET /metrics timed out after 500 ms');
    clock.advance(500);
    await waitFor(() => p.signalsOf('gpu', clock.now()) !== undefined && f.calls.length === 3);
    p.stop();
    clock.advance(10_000);
    expect(f.calls).toHaveLength(3);
  });

  it('aborts a poll in flight on stop without reporting a backend failure', async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    const f = fakeFetch(['hang']);
    const p = poller([{ name: 'gpu', baseUrl: 'http://x', kind: 'vllm' }], { clock, fetch: f.fn, onError: (_n, e) => errors.push(e) });
    const polled = p.pollOne('gpu');
    p.stop();
    await polled; // settles at once: the hung request was aborted
    expect(errors).toEqual([]);
    expect(p.errors()).toEqual({});
    expect(p.signalsOf('gpu')).toBeUndefined();
  });

  it('drops a reading when a reload changes the backend address or removes it', async () => {
    const clock = new ManualClock();
    const p = poller([{ name: 'gpu', baseUrl: 'http://x', kind: 'vllm' }], { clock, fetch: fakeFetch([vllmBody, vllmBody]).fn });
    await p.pollOne('gpu');
    p.setBackends([{ name: 'gpu', baseUrl: 'http://x', kind: 'vllm' }]);
    expect(p.signalsOf('gpu')).toBeDefined();
    p.setBackends([{ name: 'gpu', baseUrl: 'http://y', kind: 'vllm' }]);
    expect(p.signalsOf('gpu')).toBeUndefined();
    await p.pollOne('gpu');
    p.setBackends([]);
    expect(p.signalsOf('gpu')).toBeUndefined();
  });
});
