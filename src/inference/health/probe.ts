/**
 * Active health probes and the monitor that runs them on a timer and feeds the circuit breakers.
 *
 * A probe checks what the backend's kind serves (health/kinds.ts: `GET /health` and `GET /v1/models`
 * for vLLM, llama.cpp and TGI; `/api/version` and `/api/tags` for Ollama; the model must be listed),
 * each under `probe.timeoutMs`. Real servers keep `/health` green while completions hang, so a probe may also
 * send a canary: a one-token, non-streamed chat completion (for an `embedder`, one 1×1 image
 * embedding). Which rounds send it, and its timeout,
 * follow canary.ts: always while the breaker is not closed (recovery is proven on the path requests
 * take); to an idle closed backend on every `canaryEvery`-th round (default every round); to a busy
 * one only when the dispatcher's own requests there made no progress for a whole interval, with a
 * timeout that allows for the work the backend reports queued ahead. Rounds start at a fixed rate, so
 * an idle backend's hang is caught within one interval plus the probe timeout, and a busy one's by the
 * second round after its last progress. The canary's prompt is a fixed word and no response content
 * is logged or kept, only the failure reason.
 */
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import type { BackendConfig } from '../types.js';
import { planCanary, type BackendActivity, type CanaryPlan } from './canary.js';
import { CircuitBreaker, type BreakerOptions, type BreakerState, type BreakerTransition } from './breaker.js';
import { kindProbeSteps, type ProbeStep } from './kinds.js';

/** An image embedder's canary: a 1×1 grey PNG. */
const CANARY_IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVR4nGNoaGgAAAMEAYFL09IQAAAAAElFTkSuQmCC';

/** The outcome of one probe; `reason` is short and content-free, e.g. "canary: timeout". */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** What a probe needs to know about a backend; without a kind it is probed as vLLM is. */
export type ProbeTarget = Pick<BackendConfig, 'name' | 'baseUrl' | 'models'> & Partial<Pick<BackendConfig, 'kind'>>;

/** Probe settings. */
export interface ProbeOptions {
  timeoutMs: number;
  /**
   * Also send the completion canary. A function decides when the canary is about to go (after the
   * other steps, so a backend that became busy meanwhile is judged as it is then): its timeout, or
   * undefined to skip it.
   */
  canary: boolean | (() => number | undefined);
  /** The canary's own timeout (default `timeoutMs`): longer when work is queued ahead of it. */
  canaryTimeoutMs?: number;
  /** Times each step's timeout (default: the system clock). */
  clock?: Clock;
}

/**
 * Probes one backend: its kind's liveness and model steps (kinds.ts; Ollama answers `/api/version`
 * and `/api/tags` instead of `/health` and `/v1/models`), then (optionally) the completion canary.
 */
export async function probeBackend(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  const model = target.models[0];
  const clock = opts.clock ?? systemClock;
  const steps: ProbeStep[] = kindProbeSteps(target);
  if (opts.canary && model !== undefined) {
    const embedder = target.kind === 'embedder';
    steps.push(['canary', async (signal) => {
      const res = await fetch(`${target.baseUrl}/v1/${embedder ? 'embeddings' : 'chat/completions'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(embedder
          ? { model, input: [{ type: 'image_url', image_url: { url: CANARY_IMAGE } }] }
          : { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false }),
        signal,
      });
      const body = (await res.json().catch(() => undefined)) as { choices?: unknown[]; data?: unknown[] } | undefined;
      if (!res.ok) return `HTTP ${res.status}`;
      const answers = embedder ? body?.data : body?.choices;
      return Array.isArray(answers) && answers.length > 0 ? undefined : 'malformed answer';
    }]);
  }
  for (const [step, run] of steps) {
    const timeout = new AbortController();
    let limit = opts.timeoutMs;
    if (step === 'canary') {
      const decided = typeof opts.canary === 'function' ? opts.canary() : (opts.canaryTimeoutMs ?? opts.timeoutMs);
      if (decided === undefined) break;
      limit = decided;
    }
    const timer = clock.setTimer(() => timeout.abort(new DOMException('the probe step timed out', 'TimeoutError')), limit, { unref: true });
    try {
      const problem = await run(timeout.signal);
      if (problem !== undefined) return { ok: false, reason: `${step}: ${problem}` };
    } catch (err) {
      return { ok: false, reason: `${step}: ${describeFetchError(err)}` };
    } finally {
      clock.clearTimer(timer);
    }
  }
  return { ok: true };
}

/** Turns a fetch failure into a short reason (timeout, refused, reset…), never a body or a prompt. */
function describeFetchError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.name ?? 'failed';
}

/** One backend's health, for the status endpoint. */
export interface HealthSnapshot {
  name: string;
  state: BreakerState;
  /** When it was last probed (ms on the monitor's clock; epoch ms with the real clock); null before the first probe. */
  lastProbeAt: number | null;
  /** The last probe failure's reason, kept until a probe succeeds. */
  lastError: string | null;
}

/** Monitor settings. */
export interface HealthMonitorOptions {
  backends: ProbeTarget[];
  probe: { intervalMs: number; timeoutMs: number };
  breaker?: Partial<BreakerOptions>;
  /** A closed backend gets the canary every this many rounds (default 1: every round). */
  canaryEvery?: number;
  /** Time and timers (default: the system clock). */
  clock?: Clock;
  /** Called on every breaker transition (metrics, logs). */
  onTransition?: (name: string, t: BreakerTransition) => void;
  /** The dispatcher's own work on a backend (progress counts as health; see canary.ts); none: always idle. */
  activity?: (name: string) => BackendActivity | undefined;
  /** Told of each round's canary decision per backend (metrics, tests). */
  onCanaryPlan?: (name: string, plan: CanaryPlan) => void;
}

interface Entry {
  target: ProbeTarget;
  breaker: CircuitBreaker;
  lastProbeAt: number | null;
  lastError: string | null;
}

/** Probes a set of backends every `probe.intervalMs` and keeps one circuit breaker per backend. */
export class HealthMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly canaryEvery: number;
  private timer: unknown;
  private running = false;
  private inFlight: Promise<void> | undefined;
  /** Completed probe rounds (tests and the bench count detection in rounds). */
  rounds = 0;

  constructor(private readonly opts: HealthMonitorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.canaryEvery = Math.max(1, opts.canaryEvery ?? 1);
    this.setBackends(opts.backends);
  }

  /** Applies a reloaded backend list: new names get a closed breaker, kept names keep their state. */
  setBackends(backends: ProbeTarget[]): void {
    const names = new Set(backends.map((b) => b.name));
    for (const name of this.entries.keys()) if (!names.has(name)) this.entries.delete(name);
    for (const target of backends) {
      const entry = this.entries.get(target.name);
      if (entry) entry.target = target;
      else this.entries.set(target.name, { target, breaker: this.newBreaker(target.name), lastProbeAt: null, lastError: null });
    }
  }

  /** Changes the probe cadence and timeout (a reload); takes effect from the next round. */
  setProbe(probe: { intervalMs: number; timeoutMs: number }): void {
    this.opts.probe = { ...probe };
  }

  /** The breaker of a backend (the dispatcher feeds it passive signals and reads `available()`). */
  breaker(name: string): CircuitBreaker | undefined {
    return this.entries.get(name)?.breaker;
  }

  /** Runs one probe round over every backend, in parallel, and feeds the breakers. */
  async probeAll(): Promise<void> {
    const round = this.rounds + 1;
    await Promise.all([...this.entries.values()].map(async (entry) => {
      const name = entry.target.name;
      // Decided when the canary would go: dispatched work may have filled the backend since the round began.
      const canary = (): number | undefined => {
        const plan = planCanary({
          closed: entry.breaker.state === 'closed', due: round % this.canaryEvery === 0,
          activity: this.opts.activity?.(name), now: this.clock.now(), probe: this.opts.probe,
        });
        this.opts.onCanaryPlan?.(name, plan);
        return plan.send ? plan.timeoutMs : undefined;
      };
      const result = await probeBackend(entry.target, { timeoutMs: this.opts.probe.timeoutMs, canary, clock: this.clock });
      if (this.entries.get(entry.target.name) !== entry) return; // removed by a reload meanwhile
      entry.lastProbeAt = this.clock.now();
      if (result.ok) {
        entry.lastError = null;
        entry.breaker.recordSuccess();
      } else {
        entry.lastError = result.reason;
        entry.breaker.recordFailure('probe');
      }
    }));
    this.rounds = round;
  }

  /**
   * Starts probing: a round now, then one every `intervalMs` from the start of the last (fixed rate,
   * so detection time does not grow by each round's own duration). Rounds never overlap: one that
   * ran longer than the interval is followed at once.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = () => {
      const startedAt = this.clock.now();
      this.inFlight = this.probeAll().finally(() => {
        this.inFlight = undefined;
        const wait = Math.max(0, startedAt + this.opts.probe.intervalMs - this.clock.now());
        if (this.running) this.timer = this.clock.setTimer(loop, wait);
      });
    };
    loop();
  }

  /** Stops the timer and waits for a round in progress (bounded by the probe timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Every backend's health, for the status endpoint. */
  snapshot(): HealthSnapshot[] {
    return [...this.entries.values()].map((e) => ({
      name: e.target.name, state: e.breaker.state, lastProbeAt: e.lastProbeAt, lastError: e.lastError,
    }));
  }

  private newBreaker(name: string): CircuitBreaker {
    return new CircuitBreaker(() => this.clock.now(), this.opts.breaker, (t) => this.opts.onTransition?.(name, t));
  }
}
