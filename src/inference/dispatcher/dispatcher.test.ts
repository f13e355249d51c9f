import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../platform/clock/clock.testing.js';
import { DispatchError, Dispatcher, type Lease } from './dispatcher.js';
import { parseConfig } from './dispatcher.testing.js';

// The core without HTTP: leases are granted and released by hand, probes are off, and time (queue
// deadlines, cooldowns, Retry-After windows) moves only when a test advances the clock.
const backend = (name: string, tier: string, slots: number, extra: object = {}) =>
  ({ name, baseUrl: `http://127.0.0.1:${name === 'a' ? 1 : 2}`, kind: 'vllm', tier, models: ['m'], slots, ...extra });

let d: Dispatcher | undefined;
let clock: ManualClock;
afterEach(async () => {
  await d?.stop();
  d = undefined;
});

function make(raw: object): Dispatcher {
  clock = new ManualClock(1_000);
  d = new Dispatcher(parseConfig(raw), { monitor: false, recheckMs: 5, clock });
  return d;
}

const req = (priority: 'interactive' | 'drafting' | 'batch' = 'interactive', tenant = 't1') => ({ priority, tenant, model: 'm' });
/** Whether `p` has settled once pending callbacks ran: a grant or refusal happens synchronously in the dispatcher. */
async function settled<T>(p: Promise<T>): Promise<'resolved' | 'rejected' | 'pending'> {
  let state: 'resolved' | 'rejected' | 'pending' = 'pending';
  p.then(() => { state = 'resolved'; }, () => { state = 'rejected'; });
  await settle();
  return state;
}

describe('Dispatcher core', () => {
  it('fills the dedicated tier first, never beyond slots, then the shared one, then queues', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 2), backend('b', 'shared', 1)] });
    const leases = await Promise.all([disp.acquire(req()), disp.acquire(req()), disp.acquire(req())]);
    expect(leases.map((l) => l.backend.name)).toEqual(['a', 'a', 'b']);
    const fourth = disp.acquire(req());
    expect(await settled(fourth)).toBe('pending');
    expect(disp.status().queues.interactive.depth).toBe(1);
    leases[2]!.release({ kind: 'success' });
    expect((await fourth).backend.name).toBe('b');
    expect(disp.status().inFlight).toBe(3);
  });

  it('gives a freed slot to queued interactive work before earlier batch work, and keeps tenants fair within a class', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 1)] });
    const first = await disp.acquire(req('batch'));
    const order: string[] = [];
    // Each granted lease records its turn and frees the slot a moment later, so the next is granted.
    const track = (label: string, p: Promise<Lease>) => p.then((l) => {
      order.push(label);
      clock.setTimer(() => l.release({ kind: 'success' }), 1);
    });
    const waiting = [
      track('batch-t1-1', disp.acquire(req('batch', 't1'))),
      track('batch-t1-2', disp.acquire(req('batch', 't1'))),
      track('batch-t2-1', disp.acquire(req('batch', 't2'))),
      track('interactive', disp.acquire(req('interactive', 't3'))),
    ];
    first.release({ kind: 'success' });
    await clock.advanceAsync(10);
    await Promise.all(waiting);
    expect(order[0]).toBe('interactive');
    // t2's only request goes before t1's second one: fair queuing between rescues.
    expect(order.indexOf('batch-t2-1')).toBeLessThan(order.indexOf('batch-t1-2'));
  });

  it('sends a retry elsewhere when another backend can take it, and skips a busy backend until its Retry-After', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 2), backend('b', 'shared', 2)] });
    const retry = await disp.acquire({ ...req(), exclude: new Set(['a']) });
    expect(retry.backend.name).toBe('b');
    retry.release({ kind: 'success' });
    const first = await disp.acquire(req());
    expect(first.backend.name).toBe('a');
    first.release({ kind: 'busy', retryAfterMs: 60_000 });
    expect((await disp.acquire(req())).backend.name).toBe('b');
    expect(disp.status().backends.find((b) => b.name === 'a')?.busyUntil).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    expect((await disp.acquire(req())).backend.name).toBe('b');
    clock.advance(1);
    expect(disp.status().backends.find((b) => b.name === 'a')?.busyUntil).toBeNull();
    expect((await disp.acquire(req())).backend.name).toBe('a');
  });

  it('stops sending work to a backend whose breaker opened after three failures in a row', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 4), backend('b', 'shared', 4)] });
    for (let i = 0; i < 3; i++) (await disp.acquire(req())).release({ kind: 'failure', failure: 'error' });
    expect(disp.status().backends.map((b) => b.state)).toEqual(['open', 'closed']);
    expect((await disp.acquire(req())).backend.name).toBe('b');
    expect(disp.models()).toEqual([{ id: 'm', available: true }]);
  });

  it('while half-open, counts only the trial: a late result of a request sent before it opened changes nothing', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 8)] });
    const early = await disp.acquire(req());
    for (let i = 0; i < 3; i++) (await disp.acquire(req())).release({ kind: 'failure', failure: 'error' });
    expect(disp.status().backends[0]?.state).toBe('open');
    clock.advance(999); // the first cooldown is 1 s
    expect(disp.status().backends[0]?.state).toBe('open');
    clock.advance(1);
    expect(disp.status().backends[0]?.state).toBe('half-open');
    early.release({ kind: 'failure', failure: 'timeout' });
    expect(disp.status().backends[0]?.state).toBe('half-open'); // not re-opened with a longer cooldown
    const trial = await disp.acquire(req());
    trial.release({ kind: 'success' });
    expect(disp.status().backends[0]?.state).toBe('closed');
  });

  it('refuses with 429 and a Retry-After when a class queue is full, 503 past the deadline, 404 for an unknown model', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 1)], classes: { interactive: { maxQueued: 1, deadlineMs: 60_000 }, batch: { maxQueued: 5, deadlineMs: 50 } } });
    await disp.acquire(req());
    void disp.acquire(req()).catch(() => undefined);
    const full = await disp.acquire(req()).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(DispatchError);
    expect(full).toMatchObject({ status: 429, code: 'queue_full' });
    expect((full as DispatchError).retryAfterMs).toBeGreaterThan(0);
    const waiting = disp.acquire(req('batch')).catch((e: unknown) => e);
    clock.advance(49);
    expect(await settled(waiting)).toBe('pending');
    clock.advance(1);
    const late = await waiting;
    expect(late).toMatchObject({ status: 503, code: 'queue_timeout' });
    expect((late as Error).message).toContain('batch deadline (50 ms)');
    expect(await disp.acquire({ ...req(), model: 'other' }).catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('removes a request from the queue when its client goes away', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 1)] });
    const held = await disp.acquire(req());
    const abort = new AbortController();
    const queued = disp.acquire(req(), abort.signal);
    expect(disp.status().queues.interactive.depth).toBe(1);
    abort.abort();
    expect(await queued.catch((e: unknown) => e)).toMatchObject({ code: 'cancelled' });
    expect(disp.status().queues.interactive.depth).toBe(0);
    held.release({ kind: 'cancelled' });
    expect(disp.status().inFlight).toBe(0);
  });

  it('applies a reload to what is dispatched next: a promoted backend is preferred, a removed one gets nothing new', async () => {
    const raw = { backends: [backend('a', 'dedicated', 2), backend('b', 'shared', 2)] };
    const disp = make(raw);
    const onA = await disp.acquire(req());
    expect(onA.backend.name).toBe('a');
    disp.applyConfig(parseConfig({ backends: [backend('a', 'shared', 2), backend('b', 'dedicated', 2)] }));
    expect((await disp.acquire(req())).backend.name).toBe('b');
    disp.applyConfig(parseConfig({ backends: [backend('b', 'dedicated', 3)] }));
    const more = await Promise.all([disp.acquire(req()), disp.acquire(req())]);
    expect(more.map((l) => l.backend.name)).toEqual(['b', 'b']);
    // The lease given before the reload still names the old backend and releases cleanly.
    expect(onA.backend.baseUrl).toBe('http://127.0.0.1:1');
    onA.release({ kind: 'success' });
    expect(disp.status().backends.map((b) => [b.name, b.inFlight])).toEqual([['b', 3]]);
  });

  it('answers queued requests 503 when it stops', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 1)] });
    await disp.acquire(req());
    const queued = disp.acquire(req()).catch((e: unknown) => e);
    await disp.stop();
    expect(await queued).toMatchObject({ status: 503, code: 'shutting_down' });
    expect(await disp.acquire(req()).catch((e: unknown) => e)).toMatchObject({ code: 'shutting_down' });
  });
});

describe('Dispatcher core: classes and token costs', () => {
  it('routes by the request\'s class: the configured reserve keeps slots free for interactive work', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 4)], reserve: { drafting: 2, batch: 2 } });
    const batch = await Promise.all([disp.acquire(req('batch')), disp.acquire(req('batch'))]);
    expect(batch.map((l) => l.backend.name)).toEqual(['a', 'a']);
    const third = disp.acquire(req('batch'));
    expect(await settled(third)).toBe('pending'); // would leave fewer than 2 slots free
    expect((await disp.acquire(req('interactive'))).backend.name).toBe('a'); // at once
    expect(disp.status().inFlight).toBe(3);
    // A reload that drops the reserve lets the waiting batch request through at once.
    disp.applyConfig(parseConfig({ backends: [backend('a', 'dedicated', 4)], reserve: { drafting: 0, batch: 0 } }));
    expect((await third).backend.name).toBe('a');
  });

  it('weighs tenants by tokens and corrects the estimate with the backend\'s count', async () => {
    const disp = make({ backends: [backend('a', 'dedicated', 1)], reserve: { drafting: 0, batch: 0 } });
    const size = disp.estimate('drafting', 100, 1000);
    expect(size).toEqual({ promptTokens: 100, outputTokens: 1000 });
    const busy = await disp.acquire(req('interactive'));
    const order: string[] = [];
    const wait = (tenant: string, outputTokens: number) => disp.acquire({ ...req('drafting', tenant), size: { promptTokens: 100, outputTokens } })
      .then((l) => { order.push(tenant); l.release({ kind: 'success', usage: { outputTokens } }); });
    // "long" costs 100 + 2 × 1000 weighted tokens a request, "short" 100 + 2 × 100: seven of short's per one of long's.
    const all = [...Array.from({ length: 3 }, () => wait('long', 1000)), ...Array.from({ length: 12 }, () => wait('short', 100))];
    busy.release({ kind: 'success' });
    await Promise.all(all);
    expect(order.slice(0, 12).filter((t) => t === 'long').length).toBe(2); // tags 0 and 2100, beside short's 0…3000
    // What answers really produced teaches the class's typical output: a generous bound is capped.
    expect(disp.estimate('drafting', 100, 100_000).outputTokens).toBeLessThan(2000);
  });
});
