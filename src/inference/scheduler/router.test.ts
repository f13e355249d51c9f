import { describe, expect, it } from 'vitest';
import type { BackendLoad } from '../types.js';
import { mulberry32 } from './des.js';
import {
  dispatcherPolicy, isSaturated, leastConnectionsPolicy, occupancy, powerOfTwoPolicy, reserveAllows, reservingPolicy, roundRobinPolicy,
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
  const reserve = { interactive: 0, drafting: 1, batch: 2 };

  it('keeps slots from lower classes, counting only those classes, and always leaves one slot per class', () => {
    const busy = load('a', { slots: 4, inFlight: 2, inFlightByClass: { batch: 2 } });
    expect(reserveAllows(busy, 'batch', reserve)).toBe(false); // batch may hold 4 − 2 = 2
    expect(reserveAllows(busy, 'drafting', reserve)).toBe(true); // drafting + batch may hold 3
    expect(reserveAllows(busy, 'interactive', reserve)).toBe(true);
    expect(reserveAllows(busy, undefined, reserve)).toBe(true); // no class: no reserve
    // Interactive work does not count against batch's share, so a flood of it cannot starve batch.
    const flooded = load('a', { slots: 4, inFlight: 3, inFlightByClass: { interactive: 3 } });
    expect(reserveAllows(flooded, 'batch', reserve)).toBe(true);
    // Without per-class counts everything in flight counts (stricter).
    expect(reserveAllows(load('a', { slots: 4, inFlight: 2 }), 'batch', reserve)).toBe(false);
    // A one-slot backend still takes batch when idle.
    expect(reserveAllows(load('a', { slots: 1 }), 'batch', reserve)).toBe(true);
  });

  it('routes a batch request to the backend whose reserve allows it, or leaves it queued', () => {
    const policy = reservingPolicy(reserve);
    const loads = [
      load('d', { slots: 4, inFlight: 2, inFlightByClass: { batch: 2 } }),
      load('s', { tier: 'shared', slots: 4, inFlight: 1, inFlightByClass: { batch: 1 } }),
    ];
    expect(policy('m', loads, all, 'interactive')).toEqual({ backend: 'd' });
    expect(policy('m', loads, all, 'batch')).toEqual({ backend: 's' });
    loads[1] = load('s', { tier: 'shared', slots: 4, inFlight: 2, inFlightByClass: { batch: 2 } });
    expect(policy('m', loads, all, 'batch')).toEqual({ reason: 'saturated' });
    // The default policy keeps no reserve.
    expect(dispatcherPolicy('m', loads, all, 'batch')).toEqual({ backend: 'd' });
  });
});
