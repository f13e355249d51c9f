import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { buildSimBackend, startSimBackend, type RunningSimBackend } from './server.js';
import { chat, readEvents, setFaults, waitFor } from './simulator.testing.js';

const fast = { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 1000 };
let sims: RunningSimBackend[] = [];

async function start(clock?: Clock): Promise<RunningSimBackend> {
  const sim = await startSimBackend({ timing: fast, modelName: 'm', clock });
  sims.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

function contentOf(events: string[]): string[] {
  return events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e).choices[0]?.delta.content).filter((c) => c);
}

describe('simulated backend: faults', () => {
  it('hangs completions before headers while /health stays healthy, and reports the faults set', async () => {
    const sim = await start();
    expect((await setFaults(sim, { hang: true })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/sim/faults`)).json()).toEqual({ hang: true });
    const hung = chat(sim, {}, AbortSignal.timeout(300)).then(() => 'answered', (e: Error) => e.name);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect(await hung).toBe('TimeoutError'); // no response (not even headers) arrived
    await setFaults(sim, {});
    expect((await chat(sim, {})).status).toBe(200);
  });

  it('stalls a stream after N tokens, keeping the connection open', async () => {
    const sim = await start();
    await setFaults(sim, { stallAfterTokens: 2 });
    const ac = new AbortController();
    const res = await chat(sim, { stream: true, max_tokens: 10 }, ac.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await waitFor(async () => {
      text += decoder.decode((await reader.read()).value ?? new Uint8Array());
      return (text.match(/"content":"[^"]+"/g) ?? []).length >= 2;
    });
    // Once the model has produced all ten tokens, anything unstalled would already be on the wire.
    await waitFor(() => sim.model.snapshot().generationTokensTotal >= 10);
    const next = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('silent'), 200))]);
    expect(next).toBe('silent');
    expect(text).not.toContain('[DONE]');
    ac.abort();
  });

  it('truncates a stream after N tokens without [DONE]', async () => {
    const sim = await start();
    await setFaults(sim, { truncateAfterTokens: 3 });
    const { events, broken } = await readEvents(await chat(sim, { stream: true, max_tokens: 10 }));
    expect(broken).toBe(true);
    expect(events).not.toContain('[DONE]');
    expect(contentOf(events)).toHaveLength(3);
    await waitFor(() => sim.model.snapshot().running === 0);
  });

  it('answers 500 with an OpenAI-style error body', async () => {
    const sim = await start();
    await setFaults(sim, { errorStatus: 500 });
    const res = await chat(sim, {});
    expect(res.status).toBe(500);
    expect((await res.json()).error.type).toBe('server_error');
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it.each([429, 503])('answers %i with Retry-After for the next N requests only', async (status) => {
    const sim = await start();
    await setFaults(sim, { errorStatus: status, retryAfterS: 7, errorCount: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await chat(sim, {});
      expect(res.status).toBe(status);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await res.json()).error.message).toContain(String(status));
    }
    expect((await chat(sim, {})).status).toBe(200);
  });

  it('slows every step by the slowdown factor (virtual time)', async () => {
    const clock = new ManualClock();
    const sim = buildSimBackend({ timing: fast, clock });
    const res = await sim.app.inject({ method: 'POST', url: '/sim/faults', payload: { slowdown: 5 } });
    expect(res.statusCode).toBe(200);
    let doneAt = -1;
    sim.model.submit({ promptTokens: 0, maxTokens: 3 }, { onDone: () => { doneAt = clock.now(); } });
    clock.runUntilIdle();
    expect(doneAt).toBe(3 * fast.baseStepMs * 5);
    await sim.app.close();
  });

  it('refuses connections for a while, then accepts again', async () => {
    // The refusal window is judged by the sim's clock; the GPU model's steps stay on real timers.
    const manual = new ManualClock(1_000);
    const sim = await start({ now: () => manual.now(), setTimer: systemClock.setTimer, clearTimer: systemClock.clearTimer });
    expect((await chat(sim, {})).status).toBe(200); // leaves an idle keep-alive connection to close
    await setFaults(sim, { refuseForMs: 2500 });
    await expect(fetch(`${sim.url}/health`)).rejects.toThrow();
    manual.advance(2499);
    await expect(fetch(`${sim.url}/health`)).rejects.toThrow();
    manual.advance(1);
    expect((await fetch(`${sim.url}/health`)).ok).toBe(true);
  });

  it('frees the slot when a non-streamed client disconnects', async () => {
    const sim = await start();
    const ac = new AbortController();
    const pending = chat(sim, { max_tokens: 100_000 }, ac.signal).catch(() => 'aborted');
    await waitFor(() => sim.model.snapshot().running === 1);
    ac.abort();
    expect(await pending).toBe('aborted');
    await waitFor(() => sim.model.snapshot().running === 0);
  });
});
