import { describe, expect, it } from 'vitest';
import type { BackendLoad } from '../types.js';
import { mulberry32 } from './des.js';
import {
  dispatcherPolicy, isSaturated, leastConnectionsPolicy, noReserve, occupancy, powerOfTwoPolicy, priorityLeastConnectionsPolicy, reserveAllows,
  reserveFor, reservingPolicy, roundRobinPolicy,
} from './router.js';

const all = (): boolean => true;
function load(name: string, extra: Partial<BackendLoad> = {}): BackendLoad {
  return { name, tier: 'dedicated', slots: 4, weight: 1, inFlight: 0, available: true, ...extra };
}

describe('dispatcherPolicy', () => {
  it('only chooses available backends serving the model', () => {
    const loads = [load('down', { available: false }), load('other'), load('ok', { inFlight: 3 })];
    const serves = (b: string, m: string): boolean => b !== 'other' && m === 'llama';
    expect(dispatcherPolicy('llama', loads, serves)).toEqual({ backend: 'ok' });
    expect(dispatcherPolicy('qwen', loads, serves)).toEqual({ reason: 'unavailable' });
  });

  it('prefers dedicated, spills to shared only when every dedicated one is saturated, overflow last', () => {
    const loads = [
      load('ovf', { tier: 'overflow' }),
      load('sh', { tier: 'shared' }),
      load('d1', { inFlight: 3 }),
      load('d2', { available: false }),
    ];
    expect(dispatcherPolicy('m', loads, all)).toEqual({ backend: 'd1' }); // busy but not full
    loads[2] = load('d1', { inFlight: 4 });
    expect(dispatcherPolicy('m', loads, all)).toEqual({ backend: 'sh' });
    loads[1] = load('sh', { tier: 'shared', inFlight: 4 });
    expect(dispatcherPolicy('m', loads, all)).toEqual({ backend: 'ovf' });
    loads[0] = load('ovf', { tier: 'overflow', inFlight: 9 });
    expect(dispatcherPolicy('m', loads, all)).toEqual({ reason: 'saturated' });
  });

  it('never exceeds slots: returns saturated so the request waits in the dispatcher queue', () => {
    const loads = [load('a', { slots: 2 })];
    let placed = 0;
    for (let i = 0; i < 10; i++) {
      const d = dispatcherPolicy('m', loads, all);
      if (!d.backend) break;
      loads[0] = { ...loads[0]!, inFlight: loads[0]!.inFlight + 1 };
      placed++;
    }
    expect(placed).toBe(2);
  });

  it('refines by backend signals when present and ignores missing ones', () => {
    // Same in-flight count; b's own signals show other work queued on it (a shared GPU).
    const loads = [load('a', { inFlight: 1 }), load('b', { inFlight: 1, signals: { running: 3, waiting: 2 } })];
    expect(dispatcherPolicy('m', loads, all)).toEqual({ backend: 'a' });
    expect(isSaturated(loads[1]!)).toBe(true);
    // Not saturated, but busier by its own count than by ours: still the second choice.
    const busier = [load('a', { inFlight: 1, signals: { running: 2, waiting: 0 } }), load('b', { inFlight: 1 })];
    expect(dispatcherPolicy('m', busier, all)).toEqual({ backend: 'b' });
    // Missing or stale signals (undefined in the snapshot) fall back to the in-flight count alone.
    const stale = [load('a', { inFlight: 2 }), load('b', { inFlight: 1, signals: undefined })];
    expect(dispatcherPolicy('m', stale, all)).toEqual({ backend: 'b' });
    expect(occupancy(stale[1]!)).toBeCloseTo(0.25);
  });

  it('avoids a backend whose KV cache is nearly full, and uses KV usage to break near-ties', () => {
    const full = [load('a', { signals: { running: 1, waiting: 0, kvCacheUsage: 0.97 } }), load('b', { inFlight: 2 })];
    expect(dispatcherPolicy('m', full, all)).toEqual({ backend: 'b' });
    const tie = [load('a', { signals: { running: 1, waiting: 0, kvCacheUsage: 0.6 } }), load('b', { signals: { running: 1, waiting: 0, kvCacheUsage: 0.1 } })];
    expect(dispatcherPolicy('m', tie, all)).toEqual({ backend: 'b' });
  });

  it('breaks exact ties by weight, then by name', () => {
    expect(dispatcherPolicy('m', [load('a'), load('b', { weight: 2 })], all)).toEqual({ backend: 'b' });
    expect(dispatcherPolicy('m', [load('b'), load('a')], all)).toEqual({ backend: 'a' });
  });
});

describe('baseline policies', () => {
  const loads = [load('a', { inFlight: 10 }), load('b', { inFlight: 12 }), load('c', { available: false })];

  it('round-robin cycles over available backends and ignores slots', () => {
    const rr = roundRobinPolicy();
    expect([1, 2, 3, 4].map(() => rr('m', loads, all).backend)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('least-connections picks the fewest in flight, beyond slots', () => {
    expect(leastConnectionsPolicy('m', loads, all)).toEqual({ backend: 'a' });
  });

  it('power-of-two-choices picks the less loaded of two random candidates', () => {
    const p2c = powerOfTwoPolicy(mulberry32(3));
    const picks = Array.from({ length: 200 }, () => p2c('m', loads, all).backend);
    expect(picks).not.toContain('c');
    // 'a' wins whenever it is drawn at all: 3 in 4 draws.
    const a = picks.filter((x) => x === 'a').length;
    expect(a).toBeGreaterThan(120);
    expect(a).toBeLessThan(185);
  });
});

describe('class reserve (trunk reservation)', () => {
  const reserve = { drafting: 1, batch: 2 };

  it('places drafting and batch only while their reserve of slots stays free, counting every class', () => {
    // 4 slots, 1 in flight: batch leaves 2 free only while at most 1 is in flight after it.
    const one = load('a', { slots: 4, inFlight: 1, inFlightByClass: { batch: 1 } });
    expect(reserveAllows(one, 'batch', reserve)).toBe(true); // 1 + 1 placed, 2 free
    const two = load('a', { slots: 4, inFlight: 2, inFlightByClass: { batch: 1, interactive: 1 } });
    expect(reserveAllows(two, 'batch', reserve)).toBe(false); // would leave 1 free
    expect(reserveAllows(two, 'drafting', reserve)).toBe(true); // leaves 1 free, drafting's reserve
    const drafts = load('a', { slots: 4, inFlight: 3, inFlightByClass: { drafting: 1, interactive: 2 } });
    expect(reserveAllows(drafts, 'drafting', reserve)).toBe(false); // would leave none free
    expect(reserveAllows(drafts, 'interactive', reserve)).toBe(true); // nothing is kept from interactive
    expect(reserveAllows(drafts, undefined, reserve)).toBe(true); // no class: no reserve
    // Interactive filling the backend never starves batch outright: aged work may take one slot where its class holds none.
    const flooded = load('a', { slots: 4, inFlight: 3, inFlightByClass: { interactive: 3 } });
    expect(reserveAllows(flooded, 'batch', reserve)).toBe(false);
    expect(reserveAllows(flooded, 'batch', reserve, true)).toBe(true);
    expect(reserveAllows(load('a', { slots: 4, inFlight: 3, inFlightByClass: { interactive: 2, batch: 1 } }), 'batch', reserve, true)).toBe(false);
    // An idle backend takes any class, however small: the reserve is at most slots − 1.
    expect(reserveAllows(load('a', { slots: 1 }), 'batch', reserve)).toBe(true);
    expect(reserveAllows(load('a', { slots: 2, inFlight: 1, inFlightByClass: { batch: 1 } }), 'batch', reserve)).toBe(false);
    // Without per-class counts everything in flight counts as the class's own (stricter).
    expect(reserveAllows(load('a', { slots: 4, inFlight: 2 }), 'batch', reserve)).toBe(false);
    // Batch keeps at least what drafting keeps, even from a hand-made reserve.
    expect(reserveAllows(one, 'batch', { drafting: 3, batch: 0 })).toBe(false);
  });

  it('routes by the reserve each backend carries (the configured one), or leaves the request queued', () => {
    const loads = [
      load('d', { slots: 4, inFlight: 2, inFlightByClass: { batch: 2 }, reserve }),
      load('s', { tier: 'shared', slots: 4, inFlight: 1, inFlightByClass: { batch: 1 }, reserve }),
    ];
    expect(dispatcherPolicy('m', loads, all, 'interactive')).toEqual({ backend: 'd' });
    expect(dispatcherPolicy('m', loads, all, 'batch')).toEqual({ backend: 's' });
    loads[1] = load('s', { tier: 'shared', slots: 4, inFlight: 2, inFlightByClass: { batch: 2 }, reserve });
    expect(dispatcherPolicy('m', loads, all, 'batch')).toEqual({ reason: 'saturated' });
    // Without a class the request is treated as the top class; reservingPolicy overrides what the loads carry.
    expect(dispatcherPolicy('m', loads, all)).toEqual({ backend: 'd' });
    expect(reservingPolicy(noReserve)('m', loads, all, 'batch')).toEqual({ backend: 'd' });
  });

  it('resolves a backend\'s reserve: its own, else its tier\'s, else the default', () => {
    const settings = { drafting: 2, batch: 2, tiers: { shared: { drafting: 0, batch: 1 } } };
    expect(reserveFor(settings, { tier: 'dedicated' })).toEqual({ drafting: 2, batch: 2 });
    expect(reserveFor(settings, { tier: 'shared' })).toEqual({ drafting: 0, batch: 1 });
    expect(reserveFor(settings, { tier: 'shared', reserve: { drafting: 1, batch: 3 } })).toEqual({ drafting: 1, batch: 3 });
  });
});

describe('token-weighted load', () => {
  it('sends the next request to the backend running short chats rather than the one running long drafts', () => {
    // Same count in flight; a's four drafts cost four times b's four chats.
    const loads = [load('a', { slots: 8, inFlight: 4, inFlightCost: 4 * 2000 }), load('b', { slots: 8, inFlight: 4, inFlightCost: 4 * 500 })];
    expect(dispatcherPolicy('m', loads, all)).toEqual({ backend: 'b' });
    expect(occupancy(loads[0]!, 1250)).toBeCloseTo(0.8);
    expect(occupancy(loads[1]!, 1250)).toBeCloseTo(0.2);
    // Counted in requests (no costs known), the tie goes by name.
    const counted = loads.map(({ inFlightCost: _c, ...l }) => l);
    expect(dispatcherPolicy('m', counted, all)).toEqual({ backend: 'a' });
  });
});

describe('priority-aware baseline', () => {
  it('takes the backend with fewest in flight below its slots, ignoring tiers, and queues when all are full', () => {
    const loads = [load('d', { slots: 2, inFlight: 1 }), load('s', { tier: 'shared', slots: 2, inFlight: 0 })];
    expect(priorityLeastConnectionsPolicy('m', loads, all, 'batch')).toEqual({ backend: 's' });
    const full = [load('d', { slots: 1, inFlight: 1 })];
    expect(priorityLeastConnectionsPolicy('m', full, all)).toEqual({ reason: 'saturated' });
    expect(priorityLeastConnectionsPolicy('m', [load('d', { available: false })], all)).toEqual({ reason: 'unavailable' });
  });
});
