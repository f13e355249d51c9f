/**
 * A clock for tests: time moves only when the test says so, and timers fire in (time, creation)
 * order on the way. Thousands of simulated seconds run in milliseconds, and nothing races the wall.
 */
import type { Clock, TimerHandle } from './clock.js';

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock the test moves by hand (`advance`, `set`, `runUntilIdle`). */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  /** Starts at `start` ms (0 by default; pass an epoch time where dates are compared). */
  constructor(start = 0) {
    this.current = start;
  }

  /** The clock's current time (ms). */
  now(): number {
    return this.current;
  }

  /** Schedules `fn` at now + ms (never in the past). */
  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  /** Cancels a timer; unknown handles are ignored. */
  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they set). */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) this.fire(next);
    this.current = target;
  }

  /**
   * Like `advance`, but lets promise callbacks and I/O callbacks run after each timer fires, so
   * async work a timer starts (a probe round, a retry) can settle before the next timer is due.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await settle();
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.fire(next);
      await settle();
    }
    this.current = target;
  }

  /** Moves to time `t`: forward fires the timers due on the way; backward only resets the reading. */
  set(t: number): void {
    if (t >= this.current) this.advance(t - this.current);
    else this.current = t;
  }

  /** Fires timers until none is left (bounded, so a runaway loop fails instead of hanging). */
  runUntilIdle(maxTimers = 1_000_000): void {
    for (let i = 0; this.timers.length > 0; i++) {
      if (i >= maxTimers) throw new Error('ManualClock.runUntilIdle: too many timers');
      this.fire(this.nextDue(Number.POSITIVE_INFINITY)!);
    }
  }

  private fire(timer: ManualTimer): void {
    this.timers = this.timers.filter((t) => t !== timer);
    this.current = Math.max(this.current, timer.at);
    timer.fn();
  }

  private nextDue(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  }
}

/** Lets pending promise callbacks, and I/O callbacks already due, run (one turn of the event loop). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
