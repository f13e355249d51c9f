import { describe, expect, it } from 'vitest';
import { every, systemClock } from './clock.js';
import { ManualClock } from './clock.testing.js';

describe('ManualClock', () => {
  it('fires timers in (time, creation) order as it advances, including timers they set', () => {
    const clock = new ManualClock(100);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimer(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(() => fired.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimer(() => fired.push(`b2@${clock.now()}`), 20);
    clock.advance(15);
    expect(fired).toEqual(['a@110', 'c@115']);
    expect(clock.now()).toBe(115);
    clock.advance(100);
    expect(fired).toEqual(['a@110', 'c@115', 'b@120', 'b2@120']);
    expect(clock.now()).toBe(215);
    expect(clock.pending).toBe(0);
  });

  it('cancels timers, and moves to a set time', () => {
    const clock = new ManualClock();
    let fired = 0;
    const handle = clock.setTimer(() => fired++, 10);
    clock.clearTimer(handle);
    clock.clearTimer(undefined);
    clock.set(50);
    expect(fired).toBe(0);
    clock.setTimer(() => fired++, 10);
    clock.runUntilIdle();
    expect([fired, clock.now()]).toEqual([1, 60]);
  });

  it('lets promise callbacks run between timers when advanced asynchronously', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    // A timer that starts async work which sets the next timer: only advanceAsync sees the chain through.
    const step = () => void Promise.resolve().then(() => { seen.push(clock.now()); if (seen.length < 3) clock.setTimer(step, 10); });
    clock.setTimer(step, 10);
    await clock.advanceAsync(30);
    expect(seen).toEqual([10, 20, 30]);
  });
});

describe('every', () => {
  it('repeats on the clock until stopped, even when the callback throws', () => {
    const clock = new ManualClock();
    let calls = 0;
    const stop = every(clock, 10, () => {
      calls++;
      throw new Error('boom');
    });
    expect(() => clock.advance(10)).toThrow('boom');
    expect(() => clock.advance(10)).toThrow('boom');
    stop();
    clock.advance(100);
    expect(calls).toBe(2);
    expect(clock.pending).toBe(0);
  });
});

describe('systemClock', () => {
  it('reads epoch milliseconds and clears its timers', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    const handle = systemClock.setTimer(() => {
      throw new Error('a cleared timer must not fire');
    }, 0, { unref: true });
    systemClock.clearTimer(handle);
  });
});
