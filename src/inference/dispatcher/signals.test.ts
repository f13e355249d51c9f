/**
 * Routing by the backends' own load signals through the real HTTP dispatcher: a vLLM sim that its
 * /metrics shows full (other clients saturate it) gets no new work while another backend has room;
 * once the reading is stale the dispatcher falls back to its own in-flight count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chat, waitFor } from '../simulator/simulator.testing.js';
import { chatVia, finishedCounts, metricsOf, metricSum, pollSignalsNow, quickConfig, startFleet, statusOf, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
let aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts) a.abort();
  aborts = [];
  await fleet?.close();
  fleet = undefined;
});

/** Fills sim `i` with long requests sent to it directly, not through the dispatcher. */
async function saturateDirectly(f: Fleet, i: number): Promise<void> {
  const sim = f.sims[i]!;
  for (let k = 0; k < sim.model.timing.slots; k++) {
    const abort = new AbortController();
    aborts.push(abort);
    void chat(sim, { max_tokens: 1_000_000 }, abort.signal).then((r) => r.text()).catch(() => undefined);
  }
  await waitFor(() => sim.model.snapshot().running === sim.model.timing.slots);
}

describe('routing with backend signals', () => {
  it('sends no new work to a backend its own metrics show full, and falls back to in-flight counts once they are stale', async () => {
    // metricsStaleMs 1500: a reading is withheld 1.5 s after it was taken.
    const f = (fleet = await startFleet({ count: 2, config: (sims) => quickConfig(sims, { metricsStaleMs: 1500 }) }));
    // Without signals the dedicated b0 is preferred.
    expect((await chatVia(f.dispatcher)).status).toBe(200);
    expect(finishedCounts(f.sims)).toEqual([1, 0]);

    await saturateDirectly(f, 0);
    await pollSignalsNow(f.dispatcher);
    const b0 = (await statusOf(f.dispatcher)).backends[0]!;
    expect(b0.signals).toMatchObject({ running: 2, waiting: 0 });
    expect(b0.inFlight).toBe(0); // the dispatcher itself has nothing there

    // While the reading is fresh, new work goes to the shared b1, which has room.
    const sent = await Promise.all([chatVia(f.dispatcher), chatVia(f.dispatcher, { stream: true })]);
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    await Promise.all(sent.map((r) => r.text()));
    expect(finishedCounts(f.sims)).toEqual([1, 2]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_dispatched_total', { backend: 'b0' })).toBe(1);

    // No fresh reading arrives (no poll): after metricsStaleMs the signals are dropped...
    f.clock.advance(1499);
    expect((await statusOf(f.dispatcher)).backends[0]!.signals).not.toBeNull();
    f.clock.advance(1);
    expect((await statusOf(f.dispatcher)).backends[0]!.signals).toBeNull();
    // ...and the router goes by its own count again: b0 shows 0 of 2 in flight, so it gets the request
    // (which waits in b0's own queue behind the other clients' work).
    const late = chatVia(f.dispatcher);
    await waitFor(() => f.sims[0]!.model.snapshot().waiting === 1);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_dispatched_total', { backend: 'b0' })).toBe(2);
    for (const a of aborts) a.abort(); // the other clients leave; b0 serves the waiting request
    expect((await late).status).toBe(200);
    expect(finishedCounts(f.sims)).toEqual([2, 2]);
  });

  it('keeps routing when a backend cannot be polled (missing metrics), and reports the poll error', async () => {
    const f = (fleet = await startFleet({ count: 2, config: (sims) => quickConfig(sims) }));
    await f.sims[0]!.close(); // b0 is gone: its poll fails, and requests to it fail over before the first byte
    await pollSignalsNow(f.dispatcher);
    const status = await statusOf(f.dispatcher);
    expect(status.backends[0]!.signals).toBeNull();
    expect(status.backends[0]!.pollError).toMatch(/GET \/metrics failed/);
    expect(status.backends[1]!.signals).toMatchObject({ running: 0, waiting: 0 });
    expect((await chatVia(f.dispatcher)).status).toBe(200);
    expect(finishedCounts(f.sims.slice(1))).toEqual([1]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_signal_poll_errors_total', { backend: 'b0' })).toBe(1);
  });
});
