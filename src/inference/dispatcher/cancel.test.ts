/**
 * Cancellation and queue bounds through the real HTTP dispatcher: a client that leaves while
 * queued never reaches a backend, one that leaves mid-answer frees the backend's slot; a full
 * queue answers 429 with Retry-After, a passed deadline 503, and interactive work jumps the batch line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../simulator/simulator.testing.js';
import { chatVia, finishedCounts, metricsOf, metricSum, quickConfig, quickTiming, startFleet, statusOf, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
let aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts) a.abort();
  aborts = [];
  await fleet?.close();
  fleet = undefined;
});

/** One sim with `slots` slots behind the dispatcher; `overrides` go into the config file. */
async function single(slots: number, overrides: Record<string, unknown> = {}): Promise<Fleet> {
  fleet = await startFleet({ count: 1, sim: { timing: { ...quickTiming, slots } }, config: (sims) => quickConfig(sims, overrides) });
  return fleet;
}

/** Starts a request that holds a slot until aborted (a very long answer); returns its abort controller. */
function longRequest(f: Fleet, body: object = {}, headers: Record<string, string> = {}): { abort: AbortController; done: Promise<unknown> } {
  const abort = new AbortController();
  aborts.push(abort);
  const done = chatVia(f.dispatcher, { max_tokens: 1_000_000, ...body }, headers, abort.signal).then((r) => r.text()).catch((e: Error) => e.name);
  return { abort, done };
}

/** Fills every slot of sim 0 through the dispatcher and waits until they all run there. */
async function fillSlots(f: Fleet, count: number): Promise<Array<{ abort: AbortController; done: Promise<unknown> }>> {
  const held = Array.from({ length: count }, () => longRequest(f));
  await waitFor(() => f.sims[0]!.model.snapshot().running === count);
  return held;
}

describe('cancellation', () => {
  it('a client that leaves while queued is removed from the queue and never reaches a backend', async () => {
    const f = await single(2);
    const held = await fillSlots(f, 2);
    const queued = longRequest(f, { max_tokens: 5 });
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.interactive.depth === 1);
    queued.abort.abort();
    expect(await queued.done).toBe('AbortError');
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.interactive.depth === 0);

    // Freeing the slots now must not hand them to the cancelled request.
    for (const h of held) h.abort.abort();
    await waitFor(async () => (await statusOf(f.dispatcher)).inFlight === 0);
    await waitFor(() => f.sims[0]!.model.snapshot().running === 0);
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total')).toBe(2);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'cancelled' })).toBe(3);
    expect(f.sims[0]!.model.snapshot().waiting).toBe(0);
    expect(finishedCounts(f.sims)).toEqual([0]);
  });

  it.each([true, false])('a client that leaves mid-answer (stream: %s) frees the backend slot', async (stream) => {
    const f = await single(2);
    const abort = new AbortController();
    aborts.push(abort);
    const res = chatVia(f.dispatcher, { stream, max_tokens: 1_000_000 }, {}, abort.signal);
    if (stream) {
      const reader = (await res).body!.getReader();
      expect((await reader.read()).done).toBe(false); // tokens are flowing
    }
    await waitFor(() => f.sims[0]!.model.snapshot().running === 1);
    expect((await statusOf(f.dispatcher)).inFlight).toBe(1);
    abort.abort();
    await res.then((r) => r.text()).catch(() => undefined);
    await waitFor(() => f.sims[0]!.model.snapshot().running === 0);
    await waitFor(async () => (await statusOf(f.dispatcher)).inFlight === 0);
    const status = await statusOf(f.dispatcher);
    expect(status.backends[0]!.state).toBe('closed'); // a client leaving says nothing about the backend
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'cancelled' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(0);
    expect((await chatVia(f.dispatcher)).status).toBe(200); // the slot is usable again
  });
});

describe('queue bounds', () => {
  it('answers 429 with Retry-After and an OpenAI error body when the class queue is full', async () => {
    const f = await single(2, { classes: { interactive: { maxQueued: 1 } } });
    await fillSlots(f, 2);
    longRequest(f, { max_tokens: 5 });
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.interactive.depth === 1);
    const res = await chatVia(f.dispatcher);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error: { message: string; type: string; code: string; param: null } };
    expect(body).toEqual({ error: { message: 'the interactive queue is full (1 waiting)', type: 'rate_limit_error', code: 'queue_full', param: null } });
    // Another class has its own bound: a batch request still queues.
    longRequest(f, { max_tokens: 5 }, { 'x-kona-priority': 'batch' });
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.batch.depth === 1);
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_shed_total', { class: 'interactive', reason: 'queue_full' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_queue_depth', { class: 'interactive' })).toBe(1);
  });

  it('answers 503 with a clear message when the deadline passes in the queue', async () => {
    const f = await single(1, { classes: { drafting: { deadlineMs: 300 } } });
    await fillSlots(f, 1);
    const answer = chatVia(f.dispatcher, {}, { 'x-kona-priority': 'drafting' });
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.drafting.depth === 1);
    f.clock.advance(299);
    expect((await statusOf(f.dispatcher)).queues.drafting.depth).toBe(1); // still within its deadline
    f.clock.advance(1); // the queue re-check on the dispatcher's clock finds it expired
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.code).toBe('queue_timeout');
    expect(body.error.type).toBe('server_error');
    expect(body.error.message).toBe('no backend for "m" became free within the drafting deadline (300 ms)');
    expect((await statusOf(f.dispatcher)).queues.drafting.depth).toBe(0);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_shed_total', { class: 'drafting', reason: 'queue_timeout' })).toBe(1);
    expect(finishedCounts(f.sims)).toEqual([0]);
  });

  it('serves a queued interactive request before batch requests queued earlier', async () => {
    const f = await single(1);
    const [holder] = await fillSlots(f, 1);
    const order: string[] = [];
    const send = (name: string, priority: string) =>
      chatVia(f.dispatcher, {}, { 'x-kona-priority': priority }).then(async (r) => {
        expect(r.status).toBe(200);
        await r.text();
        order.push(name);
      });
    const batch = [send('batch-1', 'batch'), send('batch-2', 'batch')];
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.batch.depth === 2);
    const drafting = send('drafting', 'drafting');
    const interactive = send('interactive', 'interactive');
    await waitFor(async () => {
      const q = (await statusOf(f.dispatcher)).queues;
      return q.interactive.depth === 1 && q.drafting.depth === 1;
    });
    holder!.abort.abort(); // one slot frees: the queue decides who goes next
    await Promise.all([...batch, drafting, interactive]);
    expect(order).toEqual(['interactive', 'drafting', 'batch-1', 'batch-2']);
  });
});
