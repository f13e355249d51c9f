/**
 * The one source of time for code whose behaviour depends on it: deadlines, cooldowns, Retry-After
 * windows, session expiry, polling cadences. Production passes `systemClock` (or relies on it as the
 * default); tests pass a `ManualClock` (clock.testing.ts) and move time by hand, so no test sleeps
 * for time to pass or races the wall clock on a busy machine.
 *
 * A leaf module: it imports nothing, so any layer (platform, inference, triage) may depend on it.
 */

/** A timer set on a clock; only that clock's `clearTimer` understands it. */
export type TimerHandle = unknown;

/** How a timer treats the process. */
export interface TimerOptions {
  /** The timer alone does not keep the process alive (background re-checks and sweeps). */
  unref?: boolean;
}

/** Milliseconds since the epoch, and timers on the same timeline. */
export interface Clock {
  /** The time now (ms since the epoch on the system clock; a test clock may start anywhere). */
  now(): number;
  /** Calls `fn` once, `ms` from now on this clock. */
  setTimer(fn: () => void, ms: number, options?: TimerOptions): TimerHandle;
  /** Cancels a timer; an unknown, spent or undefined handle is ignored. */
  clearTimer(handle: TimerHandle): void;
}

/** The wall clock: `Date.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms, options) {
    const timer = setTimeout(fn, ms);
    if (options?.unref) timer.unref();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `fn` every `ms` on `clock` until the returned function is called. The next call is armed
 * before `fn` runs, so a throwing `fn` does not stop the repetition (as with setInterval).
 */
export function every(clock: Clock, ms: number, fn: () => void, options?: TimerOptions): () => void {
  // A zero period would make a test clock fire forever within one advance (setInterval makes it 1 ms too).
  const period = Math.max(1, ms);
  let stopped = false;
  let handle: TimerHandle;
  const tick = () => {
    if (stopped) return;
    handle = clock.setTimer(tick, period, options);
    fn();
  };
  handle = clock.setTimer(tick, period, options);
  return () => {
    stopped = true;
    clock.clearTimer(handle);
  };
}
