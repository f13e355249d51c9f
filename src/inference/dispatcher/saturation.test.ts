/**
 * Health checks under saturation, over real HTTP: two `kona sim-backend --slots 4` behind the
 * dispatcher, 16 batch requests kept in flight. The dispatcher's clock (probe timeouts, breaker
 * cooldowns) moves only when the test moves it, in steps that each wait until the backends have
 * really finished more work, so simulated time tracks progress and nothing waits on the wall clock.
 * A long stream shows that tokens passed on count as progress too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import { waitFor } from '../simulator/simulator.testing.js';
import { chatVia, finishedCounts, metricsOf, metricSum, pollSignalsNow, quickConfig, quickTiming, startFleet, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
let stopLoad: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopLoad?.();
  await fleet?.close();
  fleet = undefined;
  stopLoad = undefined;
});

const intervalMs = 1000;
const stepMs = 250;
/** The sims' clock: GPU steps on real timers; their refusal window is not used here. */
const simClock: Clock = { now: () => 1_000, setTimer: systemClock.setTimer, clearTimer: systemClock.clearTimer };

/** A saturated fleet and the chat requests each of its backends has received (load and canaries). */
async function saturatedFleet(): Promise<{ f: Fleet; chats: number[] }> {
  // Attempt limits far beyond the test's simulated time: only the probes can notice a hang.
  const long = { firstTokenMs: 600_000, responseMs: 600_000, streamIdleMs: 600_000 };
  fleet = await startFleet({
    count: 2,
    sim: { clock: simClock, timing: { ...quickTiming, slots: 4 } },
    // No class reserve: batch alone is to fill every slot (the reserve would keep 2 of each backend's 4 free).
    config: (sims) => quickConfig(sims, { probe: { intervalMs, timeoutMs: 500 }, metricsStaleMs: 600_000, timeouts: long, reserve: { drafting: 0, batch: 0 } }),
  });
  const f = fleet;
  const chats = countChats(f);
  // 16 batch clients, each sending its next request when the last one is answered.
  const abort = new AbortController();
  let running = true;
  const clients = Array.from({ length: 16 }, async (_, i) => {
    while (running) {
      const res = await chatVia(f.dispatcher, { max_tokens: 20 }, { 'x-kona-priority': 'batch', 'x-kona-tenant': `r${i % 4}` }, abort.signal).catch(() => undefined);
      await res?.arrayBuffer().catch(() => undefined);
    }
  });
  stopLoad = async () => {
    running = false;
    abort.abort();
    await Promise.all(clients);
  };
  await waitFor(() => f.dispatcher.dispatcher.status().inFlight === 8);
  return { f, chats };
}

/**
 * Once every backend in `progressing` has finished more work, polls the load signals (the background
 * poller's cadence: four times per probe interval) and moves the clock one step.
 */
async function step(f: Fleet, progressing: number[]): Promise<void> {
  const before = finishedCounts(f.sims);
  await waitFor(() => { const now = finishedCounts(f.sims); return progressing.every((i) => now[i]! > before[i]!); }).catch((e) => {
    console.log(JSON.stringify(f.dispatcher.dispatcher.status()), JSON.stringify(f.sims.map((x) => x.model.snapshot())));
    throw e;
  });
  // Poll first: the dispatcher's queue re-check (on its clock) then sees the fresh signals.
  await pollSignalsNow(f.dispatcher);
  f.clock.advance(stepMs);
}

/** Canaries the dispatcher has sent to backend `i` (its chat requests beyond those it dispatched there). */
async function canariesAt(f: Fleet, chats: number[], i: number): Promise<number> {
  return chats[i]! - metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_dispatched_total', { backend: `b${i}` });
}

function countChats(f: Fleet): number[] {
  const chats = f.sims.map(() => 0);
  f.sims.forEach((s, i) => s.app.server.on('request', (req: { url?: string }) => { if (req.url === '/v1/chat/completions') chats[i]!++; }));
  return chats;
}

describe('health probes under saturation', () => {
  it('opens no breaker on two healthy, saturated backends over a simulated minute, and sends them no canary', async () => {
    const { f, chats } = await saturatedFleet();
    const health = f.dispatcher.dispatcher.health;
    for (let round = 0; round < 60_000 / intervalMs; round++) {
      for (let s = 0; s < intervalMs / stepMs; s++) await step(f, [0, 1]);
      await health.probeAll();
      expect(f.dispatcher.dispatcher.status().backends.map((b) => b.state)).toEqual(['closed', 'closed']);
    }
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_breaker_transitions_total', { to: 'open' })).toBe(0);
    expect(metricSum(metrics, 'kona_dispatcher_probe_canaries_total', { decision: 'progressing' })).toBe(120);
    expect(metricSum(metrics, 'kona_dispatcher_probe_canaries_total')).toBe(120);
    expect(await canariesAt(f, chats, 0)).toBe(0);
    expect(await canariesAt(f, chats, 1)).toBe(0);
    expect(finishedCounts(f.sims).every((n) => n > 240)).toBe(true); // both kept busy throughout
  });

  it('still catches a backend that hangs under the same load within two probe rounds', async () => {
    const { f, chats } = await saturatedFleet();
    const health = f.dispatcher.dispatcher.health;
    for (let s = 0; s < 4; s++) await step(f, [0, 1]);
    await health.probeAll();
    f.sims[0]!.setFaults({ hang: true }); // b0's requests in flight finish; every later one hangs
    let rounds = 0;
    while (f.dispatcher.dispatcher.status().backends[0]!.state === 'closed' && rounds < 5) {
      rounds++;
      for (let s = 0; s < intervalMs / stepMs; s++) await step(f, [1]);
      const sent = await canariesAt(f, chats, 0);
      let settled = false;
      const round = health.probeAll().finally(() => { settled = true; });
      // A canary that reached the hung b0 times out once b1's probe is done: the clock moves past it.
      await waitFor(async () => settled || (await canariesAt(f, chats, 0) > sent && health.snapshot()[1]!.lastProbeAt === f.clock.now()));
      if (!settled) f.clock.advance(intervalMs);
      await round;
    }
    expect(rounds).toBeGreaterThan(0);
    expect(rounds).toBeLessThanOrEqual(2);
    const status = f.dispatcher.dispatcher.status();
    expect(status.backends.map((b) => [b.state, b.lastError])).toEqual([['open', 'canary: timeout'], ['closed', null]]);
    // b1 kept serving the whole load and its breaker never moved.
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_breaker_transitions_total', { backend: 'b1' })).toBe(0);
    expect(metricSum(metrics, 'kona_dispatcher_probe_canaries_total', { backend: 'b1', decision: 'progressing' })).toBe(rounds + 1);
  });

  it('counts streamed tokens as progress: a long stream keeps its backend from a canary', async () => {
    fleet = await startFleet({
      count: 1, sim: { clock: simClock },
      config: (sims) => quickConfig(sims, { probe: { intervalMs, timeoutMs: 500 }, metricsStaleMs: 600_000, timeouts: { firstTokenMs: 600_000, responseMs: 600_000, streamIdleMs: 600_000 } }),
    });
    const f = fleet;
    const abort = new AbortController();
    const res = await chatVia(f.dispatcher, { stream: true, max_tokens: 1_000_000 }, {}, abort.signal);
    const reader = res.body!.getReader();
    stopLoad = async () => { abort.abort(); await reader.cancel().catch(() => undefined); };
    const decoder = new TextDecoder();
    let received = 0; // SSE events the client has read
    const readPast = async (n: number) => {
      while (received <= n) received += decoder.decode((await reader.read()).value).split('data: ').length - 1;
    };
    await readPast(1);
    // A whole interval passes on the dispatcher's clock; then the client reads a token the backend made
    // after it (so the dispatcher has just passed it on).
    f.clock.advance(intervalMs);
    await readPast(f.sims[0]!.model.snapshot().generationTokensTotal + 2);
    await f.dispatcher.dispatcher.health.probeAll();
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_probe_canaries_total', { decision: 'progressing' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_probe_canaries_total')).toBe(1);
  });
});
