/**
 * When a probe round sends the completion canary, and how long it may wait.
 *
 * A canary queues behind whatever the backend is already running. When the dispatcher keeps a
 * backend's slots full, as it should, a canary under the plain probe timeout times out on a healthy
 * server and opens its breaker exactly when it is busiest. So work the dispatcher itself has in
 * flight is the better witness: a backend that is finishing requests or streaming tokens is alive,
 * and gets no canary. The canary goes to a backend that is idle (the cheap check it always was), or
 * busy with no progress for a while (`stallMs`: twice its typical service time, at least half an
 * interval; the hang it is there to catch); the latter's timeout grows by the work the backend
 * reports queued ahead of it, capped at one interval so a round still ends within about one interval.
 */

/** What the dispatcher knows about its own work on one backend. */
export interface BackendActivity {
  /** Requests the dispatcher has in flight on it. */
  inFlight: number;
  /**
   * The last sign of progress on them (a request finished, a token streamed), or when the backend
   * last went from idle to busy, whichever is later (ms on the monitor's clock); null if never busy.
   */
  progressAt: number | null;
  /** Sequences it runs at once. */
  slots: number;
  /** How long a request typically holds a slot there (ms), when the dispatcher has seen some finish. */
  serviceMs?: number;
  /** The backend's own fresh queue signals (vLLM's running/waiting, llama.cpp's slots), when it reports them. */
  signals?: { waiting: number; running: number };
}

/** A round's decision for one backend: no canary, or one with this timeout. */
export type CanaryPlan = { send: false; why: 'progressing' | 'not due' } | { send: true; timeoutMs: number; why: 'idle' | 'stalled' | 'not closed' };

/** Inputs of `planCanary`. */
export interface CanaryInput {
  /** The breaker is closed (else the canary always goes: recovery is proven on the request path). */
  closed: boolean;
  /** This round is one of the `canaryEvery` rounds that check an idle closed backend. */
  due: boolean;
  activity?: BackendActivity;
  now: number;
  probe: { intervalMs: number; timeoutMs: number };
}

/** Decides whether this round sends a canary to a backend, and its timeout. */
export function planCanary(input: CanaryInput): CanaryPlan {
  const { activity: a, now, probe } = input;
  const busy = a !== undefined && a.inFlight > 0;
  if (!input.closed) return { send: true, timeoutMs: canaryTimeoutMs(a, probe), why: 'not closed' };
  if (!busy) return input.due ? { send: true, timeoutMs: probe.timeoutMs, why: 'idle' } : { send: false, why: 'not due' };
  if (a.progressAt !== null && now - a.progressAt < stallMs(a, probe)) return { send: false, why: 'progressing' };
  return { send: true, timeoutMs: canaryTimeoutMs(a, probe), why: 'stalled' };
}

/** Intervals a busy backend may go without progress before any request has finished there. */
export const unknownServiceIntervals = 5;

/**
 * How long a busy backend may go without progress before it gets a canary: twice its typical service
 * time (slots started together finish together, so one gap can last a whole request), at least half
 * a probe interval. Until a request has finished there its service time is unknown, and the first
 * requests on a fresh backend may be long: it gets `unknownServiceIntervals` intervals.
 */
export function stallMs(a: BackendActivity, probe: { intervalMs: number }): number {
  if (a.serviceMs === undefined) return unknownServiceIntervals * probe.intervalMs;
  return Math.max(probe.intervalMs / 2, 2 * a.serviceMs);
}

/**
 * The probe timeout plus the time the canary waits for a slot: the requests the backend reports
 * ahead of it (waiting, and one running one to finish when every slot is taken), a slot-load at a
 * time, each taking the backend's typical service time (the probe timeout when none is known yet).
 * Without fresh signals nothing is added; never more than one probe interval.
 */
export function canaryTimeoutMs(a: BackendActivity | undefined, probe: { intervalMs: number; timeoutMs: number }): number {
  const s = a?.signals;
  if (!a || !s) return probe.timeoutMs;
  const slots = Math.max(1, a.slots);
  const ahead = s.waiting + Math.max(0, s.running - slots + 1);
  if (ahead <= 0) return probe.timeoutMs;
  const allowance = Math.ceil(ahead / slots) * (a.serviceMs ?? probe.timeoutMs);
  return Math.max(probe.timeoutMs, Math.min(probe.timeoutMs + allowance, probe.intervalMs));
}
