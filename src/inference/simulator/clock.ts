/**
 * Injectable clocks for the simulator: real timers for the HTTP server, a virtual clock for unit
 * tests and discrete-event runs (thousands of requests in milliseconds, no wall-time flakiness).
 */

/** A timer source; `now()` is in milliseconds on the clock's own timeline. */
export interface SimClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The real clock: `performance.now()` and Node timers. */
export const realClock: SimClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in (time, creation) order. */
export class VirtualClock implements SimClock {
  private current = 0;
  private seq = 0;
  private timers: VirtualTimer[] = [];

  /** Current virtual time (ms). */
  now(): number {
    return this.current;
  }

  /** Schedules `fn` at now + ms (never in the past). */
  setTimer(fn: () => void, ms: number): unknown {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  /** Cancels a timer; unknown handles are ignored. */
  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they set). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  /** Fires timers until none is left (bounded, so a runaway loop fails instead of hanging). */
  runUntilIdle(maxTimers = 1_000_000): void {
    for (let i = 0; this.timers.length > 0; i++) {
      if (i >= maxTimers) throw new Error('VirtualClock.runUntilIdle: too many timers');
      const next = this.nextDue(Number.POSITIVE_INFINITY)!;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.at;
      next.fn();
    }
  }

  private nextDue(limit: number): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  }
}
