/**
 * Every fault the simulated backend can show, against the real HTTP dispatcher: with a healthy
 * second backend the client gets a good answer (retried before its first byte), alone it gets a
 * clear OpenAI-style error with the right status, and a stream cut mid-way ends with an error event.
 *
 * The dispatcher's deadlines and cooldowns run on the fleet's test clock. Time passes only when a test moves
 * it, once it knows an attempt is stuck on a backend that will never make progress: a healthy
 * backend on a loaded machine is never timed out, and a stuck one times out exactly then.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import type { SimFaults } from '../simulator/faults.js';
import { readEvents, waitFor } from '../simulator/simulator.testing.js';
import { chatVia, finishedCounts, metricsOf, metricSum, quickConfig, startFleet, statusOf, tightTimeouts, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

/** The sims' clock: GPU steps on real timers, a reading that stands still, so a refusal lasts until healed. */
const simClock: Clock = { now: () => 1_000, setTimer: systemClock.setTimer, clearTimer: systemClock.clearTimer };

/** `count` sims (b0 dedicated and tried first, the rest shared) behind the dispatcher; b0 shows `faults`. */
async function fleetWithFault(count: number, faults: SimFaults, overrides: Record<string, unknown> = { timeouts: tightTimeouts }): Promise<Fleet> {
  fleet = await startFleet({ count, sim: { clock: simClock }, config: (sims) => quickConfig(sims, overrides) });
  fleet.sims[0]!.setFaults(faults);
  return fleet;
}

/** Two sims, b0 dedicated (tried first) and b1 shared; b0 shows `faults`. */
const pairWithFault = (faults: SimFaults) => fleetWithFault(2, faults);

/** One sim showing `faults`. */
const aloneWithFault = (faults: SimFaults) => fleetWithFault(1, faults);

/** Whether b0 never makes progress with these faults: only then may the test let time pass. */
const neverProgresses = (faults: SimFaults) => faults.hang === true || faults.stallAfterTokens === 0 || (faults.slowdown ?? 1) >= 1000;

/** Past every attempt deadline the tests configure. */
const pastDeadlines = Math.max(...Object.values(tightTimeouts)) + 100;

/**
 * Resolves with `request`'s answer; when b0 never makes progress, first waits until b0 holds the
 * attempt (its deadline is armed by then) and moves the clock past it.
 */
async function answerOf<T>(f: Fleet, faults: SimFaults, request: Promise<T>): Promise<T> {
  if (neverProgresses(faults)) {
    await waitFor(() => f.dispatcher.dispatcher.status().backends[0]!.inFlight > 0);
    f.clock.advance(pastDeadlines);
  }
  return request;
}

type ErrorBody = { error: { message: string; type: string; code: string; param: null } };

function contentTokens(events: string[]): string[] {
  return events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e) as { choices?: Array<{ delta?: { content?: string } }> })
    .map((c) => c.choices?.[0]?.delta?.content).filter((c): c is string => !!c);
}

/** A whole, good answer: 5 tokens, ending with [DONE] when streamed. */
async function expectGoodAnswer(res: Response, stream: boolean): Promise<void> {
  expect(res.status).toBe(200);
  if (stream) {
    const { events, broken } = await readEvents(res);
    expect(broken).toBe(false);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.some((e) => e.includes('"error"'))).toBe(false);
    expect(contentTokens(events)).toHaveLength(5);
  } else {
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content.split(' ')).toHaveLength(5);
  }
}

const failoverCases: Array<[string, SimFaults, boolean]> = [
  ['hang before headers (plain)', { hang: true }, false],
  ['hang before headers (stream)', { hang: true }, true],
  ['HTTP 500 (plain)', { errorStatus: 500 }, false],
  ['HTTP 500 (stream)', { errorStatus: 500 }, true],
  ['HTTP 503 with Retry-After', { errorStatus: 503, retryAfterS: 2 }, false],
  ['HTTP 429 with Retry-After', { errorStatus: 429, retryAfterS: 5 }, true],
  ['truncated before the first token (stream)', { truncateAfterTokens: 0 }, true],
  ['truncated answer (plain: the socket is lost)', { truncateAfterTokens: 0 }, false],
  ['stalled before the first token (stream)', { stallAfterTokens: 0 }, true],
  ['refusing connections', { refuseForMs: 5000 }, false],
  // 200 s per step: the first token never comes while the test runs.
  ['slowed far beyond the first-token limit (stream)', { slowdown: 100_000 }, true],
];

describe('dispatcher against simulator faults, with a healthy second backend', () => {
  it.each(failoverCases)('%s: retried on the other backend before the first byte', async (_name, faults, stream) => {
    const f = await pairWithFault(faults);
    await expectGoodAnswer(await answerOf(f, faults, chatVia(f.dispatcher, { stream })), stream);
    expect(finishedCounts(f.sims)[1]).toBe(1); // b1 served it
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total', { class: 'interactive' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_failovers_total', { class: 'interactive' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total', { backend: 'b0' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'ok' })).toBe(1);
    const status = await statusOf(f.dispatcher);
    expect(status.inFlight).toBe(0);
    if (faults.errorStatus === 429) expect(status.backends[0]!.busyUntil).not.toBeNull(); // b0 rests for its Retry-After
  });

  it('fails over even when the first-token limit is longer than the class queue deadline', async () => {
    // The deadline bounds time in the queue; the failed attempt's 700 ms must not count against it.
    const f = await fleetWithFault(2, { hang: true }, { classes: { interactive: { deadlineMs: 500 } }, timeouts: { ...tightTimeouts, firstTokenMs: 700 } });
    await expectGoodAnswer(await answerOf(f, { hang: true }, chatVia(f.dispatcher, { stream: true })), true);
    expect(finishedCounts(f.sims)).toEqual([0, 1]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_shed_total')).toBe(0);
  });

  it('a mildly slowed backend still serves (slowness alone is not a failure)', async () => {
    const f = await pairWithFault({ slowdown: 3 });
    await expectGoodAnswer(await chatVia(f.dispatcher, { stream: true }), true);
    expect(finishedCounts(f.sims)).toEqual([1, 0]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_retries_total')).toBe(0);
  });

  it('embeddings on a hung backend are retried on the other one (batch class)', async () => {
    const f = await pairWithFault({ hang: true });
    const res = await answerOf(f, { hang: true }, fetch(`${f.dispatcher.url}/v1/embeddings`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input: ['a', 'b'] }),
    }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
    expect(finishedCounts(f.sims)).toEqual([0, 1]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_failovers_total', { class: 'batch' })).toBe(1);
  });

  it('an error for the next request only (errorCount) fails over once, then b0 serves again', async () => {
    const f = await pairWithFault({ errorStatus: 500, errorCount: 1 });
    await expectGoodAnswer(await chatVia(f.dispatcher), false);
    await expectGoodAnswer(await chatVia(f.dispatcher), false);
    expect(finishedCounts(f.sims)).toEqual([1, 1]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_failovers_total')).toBe(1);
  });
});

describe('dispatcher against simulator faults, with a single backend', () => {
  const errorCases: Array<[string, SimFaults, boolean, number, string | null, RegExp]> = [
    ['hang (plain)', { hang: true }, false, 504, null, /did not answer within 800 ms/],
    ['hang (stream)', { hang: true }, true, 504, null, /sent no token within 600 ms/],
    ['stall before the first token', { stallAfterTokens: 0 }, true, 504, null, /sent no token/],
    ['HTTP 500', { errorStatus: 500 }, false, 502, null, /answered HTTP 500/],
    ['HTTP 503 with Retry-After', { errorStatus: 503, retryAfterS: 2 }, true, 502, '2', /answered HTTP 503/],
    ['HTTP 429 with Retry-After', { errorStatus: 429, retryAfterS: 3 }, false, 429, '3', /busy \(HTTP 429\)/],
    ['truncated (plain)', { truncateAfterTokens: 0 }, false, 502, null, /dropped the connection/],
    ['truncated before the first token (stream)', { truncateAfterTokens: 0 }, true, 502, null, /(dropped the connection|closed the stream) before the first token/],
    ['refusing connections', { refuseForMs: 5000 }, false, 502, null, /could not be reached or dropped the connection/],
    ['slowed far beyond the first-token limit', { slowdown: 100_000 }, true, 504, null, /sent no token within 600 ms/],
  ];

  it.each(errorCases)('%s: a clear OpenAI-style error, never a hang', async (_name, faults, stream, status, retryAfter, reason) => {
    const f = await aloneWithFault(faults);
    const res = await answerOf(f, faults, chatVia(f.dispatcher, { stream }));
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('retry-after')).toBe(retryAfter);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toEqual({ message: expect.stringMatching(reason), type: expect.any(String), code: expect.any(String), param: null });
    expect(body.error.code).toBe(status === 429 ? 'backend_busy' : 'backend_failed');
    expect(body.error.type).toBe(status === 429 ? 'rate_limit_error' : 'server_error');
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'failed' })).toBe(1);
    // A timeout or a 429 is not retried on the same backend; a fast error is (bounded by maxAttempts).
    const sameBackendRetries = status === 502 ? 2 : 0;
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(sameBackendRetries);
    expect(metricSum(metrics, 'kona_dispatcher_failovers_total')).toBe(0);
    expect((await statusOf(f.dispatcher)).inFlight).toBe(0);
  });

  it('three failed attempts in a row open the breaker, and /status says so', async () => {
    const f = await aloneWithFault({ errorStatus: 500 });
    expect((await chatVia(f.dispatcher)).status).toBe(502);
    const b0 = (await statusOf(f.dispatcher)).backends[0]!;
    expect(b0.state).toBe('open');
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_breaker_transitions_total', { backend: 'b0', to: 'open' })).toBe(1);
  });

  it('an error for the next request only is retried on the same backend and answered', async () => {
    const f = await aloneWithFault({ errorStatus: 503, errorCount: 1 });
    await expectGoodAnswer(await chatVia(f.dispatcher, { stream: true }), true);
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_failovers_total')).toBe(0);
    expect(finishedCounts(f.sims)).toEqual([1]);
  });
});

/** The complete SSE data payloads in `text` (a trailing partial event is left out). */
function eventsIn(text: string): string[] {
  const end = text.lastIndexOf('\n\n');
  return end < 0 ? [] : text.slice(0, end).split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
}

/** Reads an SSE body to its end (as readEvents does), calling `atTokens` once `n` content tokens have arrived. */
async function readEventsWith(res: Response, n: number, atTokens: () => void): Promise<{ events: string[]; broken: boolean }> {
  let text = '';
  let broken = false;
  let called = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += decoder.decode(r.value, { stream: true });
      if (!called && contentTokens(eventsIn(text)).length >= n) {
        called = true;
        atTokens();
      }
    }
  } catch {
    broken = true;
  }
  return { events: eventsIn(`${text}\n\n`), broken };
}

describe('dispatcher against faults mid-stream', () => {
  it.each([
    ['stall', { stallAfterTokens: 3 }, true, 'backend_stream_stalled', /stalled: nothing for 300 ms/],
    ['truncation', { truncateAfterTokens: 3 }, false, 'backend_stream_truncated', /dropped the connection mid-answer|closed the stream before the answer was complete/],
  ] as Array<[string, SimFaults, boolean, string, RegExp]>)('a %s after 3 tokens ends the stream with an error event; three open the breaker', async (_name, faults, stalls, code, reason) => {
    const f = await aloneWithFault(faults);
    for (let i = 0; i < 3; i++) {
      const res = await chatVia(f.dispatcher, { stream: true, max_tokens: 10 });
      expect(res.status).toBe(200);
      // The dispatcher re-arms its idle deadline before the client can see a token: once the third is
      // here, a stalled stream waits on that deadline alone, and the clock is moved past it.
      const { events, broken } = await readEventsWith(res, 3, () => { if (stalls) f.clock.advance(tightTimeouts.streamIdleMs); });
      expect(broken).toBe(false); // the dispatcher ends the stream cleanly, with the error in it
      expect(contentTokens(events)).toHaveLength(3);
      expect(events).not.toContain('[DONE]');
      const last = JSON.parse(events.at(-1)!) as ErrorBody;
      expect(last.error.code).toBe(code);
      expect(last.error.message).toMatch(/the answer is incomplete/);
      expect(last.error.message).toMatch(reason);
      expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe(i < 2 ? 'closed' : 'open');
    }
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(0); // bytes had reached the client
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'failed' })).toBe(3);
    await waitFor(() => f.sims[0]!.model.snapshot().running === 0); // the upstream sequence was let go
  });
});

describe('health-driven failover', () => {
  it('catches completions that hang behind a green /health on the first probe round', async () => {
    const f = await pairWithFault({ hang: true });
    const health = f.dispatcher.dispatcher.health;
    let canaries = 0;
    f.sims[0]!.app.server.on('request', (req: { url?: string }) => { if (req.url === '/v1/chat/completions') canaries++; });
    const round = health.probeAll();
    // /health and /v1/models are green; once b0's canary hangs and b1's probe is done, the probe
    // timeout (on the dispatcher's clock) is allowed to pass.
    await waitFor(() => canaries === 1 && health.snapshot()[1]!.lastProbeAt !== null);
    f.clock.advance(f.dispatcher.dispatcher.current.probe.timeoutMs);
    await round;
    const b0 = (await statusOf(f.dispatcher)).backends[0]!;
    expect(b0.lastProbeAt).not.toBeNull();
    expect(b0.state).toBe('open');
    expect(b0.lastError).toBe('canary: timeout');
    expect((await statusOf(f.dispatcher)).backends[1]!.state).toBe('closed');
    // Traffic now goes straight to b1: no attempt waits on the hung backend.
    await expectGoodAnswer(await chatVia(f.dispatcher), false);
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(0);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total', { backend: 'b0' })).toBe(0);
    expect(metricSum(metrics, 'kona_dispatcher_backend_state', { backend: 'b0', state: 'open' })).toBe(1);
  });

  it('opens after 3 passive failures, then a half-open trial lets one request through and success closes it', async () => {
    const f = await pairWithFault({ errorStatus: 500 });
    for (let i = 0; i < 3; i++) await expectGoodAnswer(await chatVia(f.dispatcher), false);
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('open');
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_retries_total')).toBe(3);
    // While open, requests go straight to b1.
    await expectGoodAnswer(await chatVia(f.dispatcher), false);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_retries_total')).toBe(3);
    expect(finishedCounts(f.sims)).toEqual([0, 4]);

    f.sims[0]!.setFaults({});
    // The first cooldown is 1 s; the state is read lazily, so /status shows half-open once it passed.
    f.clock.advance(999);
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('open');
    f.clock.advance(1);
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('half-open');
    // Two requests at once: only one trial goes to b0, the other to b1. Longer answers keep them overlapping.
    const [a, b] = await Promise.all([chatVia(f.dispatcher, { max_tokens: 100 }), chatVia(f.dispatcher, { max_tokens: 100 })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(finishedCounts(f.sims)).toEqual([1, 5]);
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('closed');
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_breaker_transitions_total', { backend: 'b0', to: 'half-open' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_breaker_transitions_total', { backend: 'b0', to: 'closed' })).toBe(1);
    // Closed again: the dedicated backend is preferred once more.
    await expectGoodAnswer(await chatVia(f.dispatcher), false);
    expect(finishedCounts(f.sims)).toEqual([2, 5]);
  });

  it('a half-open trial whose client leaves gives the trial back, so the next request can close the breaker', async () => {
    const f = await pairWithFault({ errorStatus: 500 });
    for (let i = 0; i < 3; i++) await expectGoodAnswer(await chatVia(f.dispatcher), false);
    f.sims[0]!.setFaults({});
    f.clock.advance(1000); // the first cooldown
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('half-open');
    const abort = new AbortController();
    const trial = chatVia(f.dispatcher, { max_tokens: 1_000_000 }, {}, abort.signal).catch(() => 'aborted');
    await waitFor(() => f.sims[0]!.model.snapshot().running === 1);
    abort.abort();
    await trial;
    await waitFor(async () => (await statusOf(f.dispatcher)).inFlight === 0);
    await expectGoodAnswer(await chatVia(f.dispatcher), false);
    expect(finishedCounts(f.sims)).toEqual([1, 3]); // the new trial went to b0 and succeeded
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('closed');
  });

  it('a half-open trial answered 429 gives the trial back: the request moves on, the next trial closes the breaker', async () => {
    const f = await pairWithFault({ errorStatus: 500 });
    for (let i = 0; i < 3; i++) await expectGoodAnswer(await chatVia(f.dispatcher), false);
    f.sims[0]!.setFaults({ errorStatus: 429, retryAfterS: 0, errorCount: 1 });
    f.clock.advance(1000); // the first cooldown
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('half-open');
    await expectGoodAnswer(await chatVia(f.dispatcher), false); // b0 says busy; b1 serves
    expect(finishedCounts(f.sims)).toEqual([0, 4]);
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('half-open');
    await expectGoodAnswer(await chatVia(f.dispatcher), false); // the trial is free again: b0 serves
    expect(finishedCounts(f.sims)).toEqual([1, 4]);
    expect((await statusOf(f.dispatcher)).backends[0]!.state).toBe('closed');
  });
});
