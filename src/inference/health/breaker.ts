/**
 * A circuit breaker per backend. Passive signals (request errors, timeouts, stalled streams) and
 * active probes feed it; the router reads `available()` into `BackendLoad.available`.
 *
 * closed → open after `failureThreshold` consecutive failures, or at once on a failed probe (a probe
 * is a deliberate, cheap check: one failure is already a clear signal). open → half-open when the
 * cooldown has passed (checked lazily on read, so no timer is needed). half-open lets one trial
 * through (a request or a probe); success closes, failure re-opens with the cooldown doubled up to
 * `maxCooldownMs`. Closing resets the cooldown, so a backend that flaps keeps waiting longer each
 * time while one that recovers starts afresh.
 */

/** The breaker's states. */
export type BreakerState = 'closed' | 'open' | 'half-open';
/** What kind of failure was seen; `probe` comes from the active prober. */
export type FailureKind = 'error' | 'timeout' | 'stall' | 'probe';

/** Breaker settings (times in ms on the injected clock). */
export interface BreakerOptions {
  /** Consecutive request failures that open a closed breaker. */
  failureThreshold: number;
  /** First cooldown after opening. */
  baseCooldownMs: number;
  /** Cap of the growing cooldown. */
  maxCooldownMs: number;
}

/** One state change, for metrics and logs. */
export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  at: number;
  /** What caused it: a failure kind, a success, or the cooldown running out. */
  cause: FailureKind | 'success' | 'cooldown';
  /** The cooldown now in force (when `to` is open). */
  cooldownMs?: number;
}

/** Defaults: three consecutive failures, 1 s cooldown doubling to 60 s. */
export const defaultBreakerOptions: BreakerOptions = { failureThreshold: 3, baseCooldownMs: 1000, maxCooldownMs: 60_000 };

/** A clock-injected circuit breaker for one backend. */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  /** How many times in a row it re-opened without closing (drives the growing cooldown). */
  private reopenLevel = 0;
  private openUntil = 0;
  private trialTaken = false;
  private readonly opts: BreakerOptions;

  constructor(
    private readonly now: () => number,
    opts: Partial<BreakerOptions> = {},
    private readonly onTransition?: (t: BreakerTransition) => void,
  ) {
    this.opts = { ...defaultBreakerOptions, ...opts };
  }

  /** The state now (an open breaker whose cooldown has passed reads as half-open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() >= this.openUntil) {
      this.trialTaken = false;
      this.move('half-open', 'cooldown');
    }
    return this.current;
  }

  /** The cooldown the next opening would use (or the one in force while open). */
  get cooldownMs(): number {
    return Math.min(this.opts.baseCooldownMs * 2 ** this.reopenLevel, this.opts.maxCooldownMs);
  }

  /** Whether a request may be sent now: closed, or half-open with its one trial not yet taken. */
  available(): boolean {
    const s = this.state;
    return s === 'closed' || (s === 'half-open' && !this.trialTaken);
  }

  /**
   * Claims the half-open trial before sending a request there; true when the request may go.
   * Separate from `available()` so the router can look at every backend without using up a trial.
   */
  tryAcquire(): boolean {
    if (!this.available()) return false;
    if (this.current === 'half-open') this.trialTaken = true;
    return true;
  }

  /**
   * Gives back a half-open trial whose request proved nothing (its client left, or the backend only
   * said it is busy), so the next request can be the trial instead of waiting for a probe.
   */
  releaseTrial(): void {
    if (this.current === 'half-open') this.trialTaken = false;
  }

  /** Records a success: resets the failure count, and closes a half-open breaker. */
  recordSuccess(): void {
    const s = this.state;
    this.failures = 0;
    if (s === 'half-open') {
      this.reopenLevel = 0;
      this.move('closed', 'success');
    }
    // A late success while open (a request sent before it opened) proves little: wait for the trial.
  }

  /** Records a failure; may open the breaker (or re-open it with a longer cooldown). */
  recordFailure(kind: FailureKind): void {
    const s = this.state;
    if (s === 'open') return; // late results of requests sent before it opened change nothing
    if (s === 'half-open') {
      this.reopenLevel++;
      return this.open(kind);
    }
    this.failures++;
    if (kind === 'probe' || this.failures >= this.opts.failureThreshold) this.open(kind);
  }

  private open(cause: FailureKind): void {
    this.failures = 0;
    this.openUntil = this.now() + this.cooldownMs;
    this.move('open', cause);
  }

  private move(to: BreakerState, cause: BreakerTransition['cause']): void {
    const from = this.current;
    this.current = to;
    this.onTransition?.({ from, to, at: this.now(), cause, ...(to === 'open' ? { cooldownMs: this.cooldownMs } : {}) });
  }
}
