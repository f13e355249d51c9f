/**
 * Objective-aware admission in the live dispatcher: a request projected to miss its class objective
 * is refused at once, one that waited past it is answered 429 with Retry-After (the AI features then
 * take their simpler path), a retry after a failed attempt is never shed, and `admission.shed: false`
 * turns it off. Time moves only on the dispatcher's test clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../platform/clock/clock.testing.js';
import { waitFor } from '../simulator/simulator.testing.js';
import { DispatchError, Dispatcher, type Lease } from './dispatcher.js';
import { chatVia, finishedCounts, metricsOf, metricSum, parseConfig, quickConfig, quickTiming, startFleet, statusOf, type Fleet } from './dispatcher.testing.js';

let d: Dispatcher | undefined;
let fleet: Fleet | undefined;
let aborts: AbortController[] = [];
afterEach(async () => {
  await d?.stop();
  d = undefined;
  for (const a of aborts) a.abort();
  aborts = [];
  await fleet?.close();
  fleet = undefined;
});

const drafting = { priority: 'drafting' as const, tenant: 'flood', model: 'm' };

/** One backend with one slot and no reserve; drafting's objective `objectiveMs`. */
function make(objectiveMs: number, admission: object = {}): { disp: Dispatcher; clock: ManualClock } {
  const clock = new ManualClock(1_000);
  const config = parseConfig({
    backends: [{ name: 'a', baseUrl: 'http://127.0.0.1:1', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 1, reserve: { drafting: 0, batch: 0 } }],
    classes: { drafting: { objectiveMs } }, admission,
  });
  d = new Dispatcher(config, { monitor: false, recheckMs: 5, clock });
  return { disp: d, clock };
}

/** Holds the slot, queues five drafts, and lets two through 100 ms apart: a measured drain of one per 100 ms, three queued. */
async function draining(disp: Dispatcher, clock: ManualClock): Promise<Array<Promise<Lease>>> {
  let held = await disp.acquire(drafting);
  const queued = Array.from({ length: 5 }, () => disp.acquire(drafting));
  for (const q of queued) void q.catch(() => undefined); // the ones still queued are refused at stop
  for (const next of queued.slice(0, 2)) {
    clock.advance(100);
    held.release({ kind: 'success' });
    held = await next;
  }
  expect(disp.status().queues.drafting.depth).toBe(3);
  return queued;
}

async function rejection(p: Promise<unknown>): Promise<DispatchError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DispatchError);
  return err as DispatchError;
}

describe('Dispatcher objective-aware admission', () => {
  it('refuses a request that cannot meet its objective with 429 and a Retry-After, and queues one that can', async () => {
    const { disp, clock } = make(250);
    await draining(disp, clock);
    // Three drafts ahead at 100 ms each: 300 ms against 250.
    const err = await rejection(disp.acquire(drafting));
    expect(err.status).toBe(429);
    expect(err.code).toBe('objective_unmet');
    expect(err.message).toBe('the drafting queue cannot give a first token within its 250 ms objective now (about 300 ms of work ahead); retry later');
    expect(err.retryAfterMs).toBe(100);
    expect(disp.status().queues.drafting.depth).toBe(3);
    // A retry after a failed attempt was admitted once: never shed.
    const retry = disp.acquire({ ...drafting, retry: true });
    await settle();
    expect(disp.status().queues.drafting.depth).toBe(4);
    void retry.catch(() => undefined);
  });

  it('does nothing of the kind with admission.shed off', async () => {
    const { disp, clock } = make(250, { shed: false });
    await draining(disp, clock);
    void disp.acquire(drafting).catch(() => undefined);
    await settle();
    expect(disp.status().queues.drafting.depth).toBe(4);
    clock.advance(10_000);
    await settle();
    expect(disp.status().queues.drafting.depth).toBe(4);
  });
});

describe('the HTTP dispatcher and objectives', () => {
  it('answers 429 with Retry-After when a queued request waits past its class objective, and never sends it to a backend', async () => {
    const f = (fleet = await startFleet({ count: 1, sim: { timing: { ...quickTiming, slots: 1 } }, config: (sims) => quickConfig(sims, { classes: { drafting: { objectiveMs: 300 } } }) }));
    const abort = new AbortController();
    aborts.push(abort);
    void chatVia(f.dispatcher, { max_tokens: 1_000_000 }, {}, abort.signal).then((r) => r.text()).catch(() => undefined);
    await waitFor(() => f.sims[0]!.model.snapshot().running === 1);
    const answer = chatVia(f.dispatcher, {}, { 'x-kona-priority': 'drafting' });
    await waitFor(async () => (await statusOf(f.dispatcher)).queues.drafting.depth === 1);
    f.clock.advance(300);
    expect((await statusOf(f.dispatcher)).queues.drafting.depth).toBe(1); // at its objective, not past it
    f.clock.advance(25); // the next queue re-check (every 25 ms) finds it past its objective
    const res = await answer;
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'objective_unmet', message: 'no backend for "m" became free within the drafting objective (300 ms); retry later' });
    expect((await statusOf(f.dispatcher)).queues.drafting.depth).toBe(0);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_shed_total', { class: 'drafting', reason: 'objective_unmet' })).toBe(1);
    expect(finishedCounts(f.sims)).toEqual([0]);
  });
});
