import { describe, expect, it } from 'vitest';
import { canaryTimeoutMs, planCanary, type BackendActivity } from './canary.js';

const probe = { intervalMs: 2000, timeoutMs: 500 };
const busy = (over: Partial<BackendActivity> = {}): BackendActivity => ({ inFlight: 4, progressAt: 10_000, slots: 4, ...over });

describe('planCanary', () => {
  it('sends the canary to an idle closed backend on due rounds only, under the plain timeout', () => {
    expect(planCanary({ closed: true, due: true, now: 10_000, probe })).toEqual({ send: true, timeoutMs: 500, why: 'idle' });
    expect(planCanary({ closed: true, due: true, activity: busy({ inFlight: 0 }), now: 10_000, probe })).toMatchObject({ send: true, why: 'idle' });
    expect(planCanary({ closed: true, due: false, now: 10_000, probe })).toEqual({ send: false, why: 'not due' });
  });

  it('skips a busy backend that made progress lately; with no service time known yet, for five intervals', () => {
    expect(planCanary({ closed: true, due: true, activity: busy(), now: 19_999, probe })).toEqual({ send: false, why: 'progressing' });
    expect(planCanary({ closed: true, due: true, activity: busy(), now: 20_000, probe })).toEqual({ send: true, timeoutMs: 500, why: 'stalled' });
    // A stalled backend is checked even on rounds when an idle one would not be.
    expect(planCanary({ closed: true, due: false, activity: busy(), now: 20_000, probe })).toMatchObject({ send: true, why: 'stalled' });
    expect(planCanary({ closed: true, due: true, activity: busy({ progressAt: null }), now: 12_000, probe })).toMatchObject({ send: true, why: 'stalled' });
  });

  it('waits longer for progress on a backend whose requests take long (twice the service time, at least half an interval)', () => {
    expect(planCanary({ closed: true, due: true, activity: busy({ serviceMs: 3000 }), now: 15_999, probe })).toEqual({ send: false, why: 'progressing' });
    expect(planCanary({ closed: true, due: true, activity: busy({ serviceMs: 3000 }), now: 16_000, probe })).toMatchObject({ send: true, why: 'stalled' });
    expect(planCanary({ closed: true, due: true, activity: busy({ serviceMs: 100 }), now: 11_000, probe })).toMatchObject({ send: true, why: 'stalled' });
    expect(planCanary({ closed: true, due: true, activity: busy({ serviceMs: 100 }), now: 10_999, probe })).toMatchObject({ send: false });
  });

  it('always sends to a breaker that is not closed, progress or not', () => {
    expect(planCanary({ closed: false, due: false, activity: busy(), now: 10_001, probe })).toMatchObject({ send: true, why: 'not closed' });
  });
});

describe('canaryTimeoutMs', () => {
  it('adds the work the backend reports ahead of the canary, a slot-load at a time, capped at the interval', () => {
    expect(canaryTimeoutMs(busy(), probe)).toBe(500); // no signals: nothing known to wait behind
    expect(canaryTimeoutMs(busy({ signals: { running: 3, waiting: 0 } }), probe)).toBe(500); // a free slot
    expect(canaryTimeoutMs(busy({ signals: { running: 4, waiting: 0 }, serviceMs: 300 }), probe)).toBe(800); // one to finish
    expect(canaryTimeoutMs(busy({ signals: { running: 4, waiting: 4 }, serviceMs: 300 }), probe)).toBe(1100); // 5 ahead: 2 loads
    expect(canaryTimeoutMs(busy({ signals: { running: 4, waiting: 0 } }), probe)).toBe(1000); // service time unknown: the probe timeout
    expect(canaryTimeoutMs(busy({ signals: { running: 4, waiting: 40 }, serviceMs: 300 }), probe)).toBe(2000);
  });
});
