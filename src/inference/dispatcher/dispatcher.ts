/**
 * The dispatcher's core: one queue for all model work, late-binding routing over the fleet, and the
 * health state (breakers fed by probes and by what requests see, backend load signals from polling).
 *
 * A caller `acquire`s a lease for a model; the lease names the backend chosen at the moment a slot
 * became free and is `release`d with the attempt's outcome, which feeds that backend's breaker.
 * HTTP forwarding (forward.ts) and the server (server.ts) sit on top; nothing here touches a prompt.
 *
 * Configuration changes apply to what is decided next: a lease already given keeps the backend entry
 * it was given (same address, same slot count for its release), queued requests stay queued, and a
 * removed backend simply gets no new work while its in-flight requests finish.
 */
import { every, systemClock, type Clock } from '../../platform/clock/clock.js';
import type { BackendActivity, CanaryPlan } from '../health/canary.js';
import { HealthMonitor } from '../health/probe.js';
import type { BreakerState, BreakerTransition, FailureKind } from '../health/breaker.js';
import { OutputTracker, tokenCost, type TokenEstimate } from '../scheduler/cost.js';
import { dispatcherPolicy, reserveFor, type RoutePolicy } from '../scheduler/router.js';
import { SchedulerQueue } from '../scheduler/queue.js';
import { SignalPoller } from '../signals/poller.js';
import type { BackendConfig, BackendLoad, DispatcherConfig, PriorityClass, QueuedRequest } from '../types.js';
import { priorityClasses } from '../types.js';

/** Why a request got no backend: the HTTP status and OpenAI error code the server answers with. */
export class DispatchError extends Error {
  constructor(
    readonly status: 404 | 429 | 503,
    readonly code: 'model_not_found' | 'queue_full' | 'queue_timeout' | 'shutting_down' | 'cancelled',
    message: string,
    /** Suggested wait before retrying (ms), for Retry-After. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DispatchError';
  }
}

/** What a caller wants a backend for. */
export interface AcquireRequest {
  priority: PriorityClass;
  tenant: string;
  model: string;
  /** Backends already tried for this request: avoided when another can take it. */
  exclude?: ReadonlySet<string>;
  /** Original arrival (ms on the dispatcher's clock): a retry keeps its place in line. */
  enqueuedAt?: number;
  /** When to give up waiting in the queue (ms); default: arrival plus the class deadline. */
  deadline?: number;
  /** Its expected size (`estimate`); tenant fairness and backend load count its weighted tokens. Without it a request costs 1. */
  size?: TokenEstimate;
}

/** How an attempt ended, for the backend's breaker and load accounting. */
export type AttemptOutcome =
  /** `usage`: the tokens the backend counted (the estimate's prompt where only the output was counted). */
  | { kind: 'success'; usage?: { promptTokens?: number; outputTokens: number } }
  /** The backend said it is busy (429): no health failure; it gets no work until `untilMs`. */
  | { kind: 'busy'; retryAfterMs?: number }
  | { kind: 'failure'; failure: FailureKind }
  /** The client went away; says nothing about the backend. */
  | { kind: 'cancelled' };

/** A backend granted to one attempt; release exactly once. */
export interface Lease {
  backend: BackendConfig;
  /** Time spent queued (ms). */
  waitedMs: number;
  /** Says the backend made progress on this attempt (a token arrived): it counts as health. */
  progress(): void;
  release(outcome: AttemptOutcome): void;
}

/** Hooks the metrics module attaches (all optional). */
export interface DispatcherEvents {
  onShed?(priority: PriorityClass, reason: 'queue_full' | 'queue_timeout'): void;
  onDispatch?(priority: PriorityClass, backend: string, waitedMs: number): void;
  onTransition?(backend: string, t: BreakerTransition): void;
  onPollError?(backend: string, error: string): void;
  /** Each probe round's canary decision per backend. */
  onCanaryPlan?(backend: string, plan: CanaryPlan): void;
}

/** Options of a Dispatcher. */
export interface DispatcherOptions {
  /** Probe backends and poll their metrics (default true; tests of routing alone turn it off). */
  monitor?: boolean;
  policy?: RoutePolicy;
  /** How often queued requests are re-checked for deadlines and for load signals that cleared (ms). */
  recheckMs?: number;
  events?: DispatcherEvents;
  /** Time for deadlines, Retry-After windows, cooldowns, probes and polls (default: the system clock). */
  clock?: Clock;
}

/** One backend's line in the status document. */
export interface BackendStatus {
  name: string;
  baseUrl: string;
  kind: BackendConfig['kind'];
  tier: BackendConfig['tier'];
  models: string[];
  slots: number;
  weight: number;
  state: BreakerState;
  inFlight: number;
  busyUntil: number | null;
  signals: BackendLoad['signals'] | null;
  /** Models the backend says it holds in memory (Ollama), null where it does not say. */
  residentModels: string[] | null;
  lastProbeAt: number | null;
  lastError: string | null;
  pollError: string | null;
}

/** The dispatcher's state for the status endpoint and the hub. */
export interface DispatcherStatus {
  backends: BackendStatus[];
  queues: Record<PriorityClass, { depth: number; maxQueued: number; deadlineMs: number }>;
  inFlight: number;
}

interface Waiter {
  exclude?: ReadonlySet<string>;
  size?: TokenEstimate;
  cost: number;
  resolve(lease: Lease): void;
  reject(err: DispatchError): void;
}

/** Queue, router, breakers and signals of one dispatcher instance. */
export class Dispatcher {
  private config: DispatcherConfig;
  private readonly queue: SchedulerQueue<Waiter>;
  private readonly monitor: HealthMonitor;
  private poller: SignalPoller;
  private readonly policy: RoutePolicy;
  private readonly inFlight = new Map<string, number>();
  /** Per backend: in-flight requests per class and their weighted tokens (the router's view of its load). */
  private readonly inFlightWork = new Map<string, { byClass: Record<PriorityClass, number>; cost: number }>();
  /** Typical output per class, from the backends' own counts: refines the cost estimates. */
  private readonly outputs = new OutputTracker();
  private readonly busyUntil = new Map<string, number>();
  /** Per backend: the last progress on its in-flight work, and its typical service time (see health/canary.ts). */
  private readonly progress = new Map<string, { at: number; serviceMs?: number }>();
  private stopRecheck: (() => void) | undefined;
  /** Queue ids: unique within this dispatcher is enough. */
  private nextId = 0;
  private stopped = false;
  private readonly monitorOn: boolean;
  /** The time this dispatcher decides by (forwarding reads it too). */
  readonly clock: Clock;

  constructor(config: DispatcherConfig, private readonly opts: DispatcherOptions = {}) {
    this.config = config;
    this.clock = opts.clock ?? systemClock;
    this.policy = opts.policy ?? dispatcherPolicy;
    this.monitorOn = opts.monitor ?? true;
    this.queue = new SchedulerQueue<Waiter>({ maxQueued: this.maxQueued() });
    this.monitor = new HealthMonitor({
      backends: config.backends,
      probe: config.probe,
      clock: this.clock,
      activity: (name) => this.activity(name),
      onCanaryPlan: (name, plan) => opts.events?.onCanaryPlan?.(name, plan),
      onTransition: (name, t) => {
        opts.events?.onTransition?.(name, t);
        // A backend coming back (or half-open) may take queued work now.
        if (t.to !== 'open') queueMicrotask(() => this.pump());
      },
    });
    this.poller = this.newPoller(config);
  }

  /** Starts probing and polling. */
  start(): void {
    if (!this.monitorOn) return;
    this.monitor.start();
    this.poller.start();
  }

  /** Stops timers; queued requests are answered 503 (the server drains in-flight work first). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poller.stop();
    await this.monitor.stop();
    this.setRecheck(false);
    for (const r of this.queue.expire(Infinity)) r.payload.reject(new DispatchError(503, 'shutting_down', 'the dispatcher is shutting down'));
  }

  /** The configuration in force. */
  get current(): DispatcherConfig {
    return this.config;
  }

  /** Applies a reloaded configuration to what is decided next (see the file comment). */
  applyConfig(next: DispatcherConfig): void {
    const probeChanged = next.probe.intervalMs !== this.config.probe.intervalMs || next.probe.timeoutMs !== this.config.probe.timeoutMs;
    const pollChanged = probeChanged || next.metricsStaleMs !== this.config.metricsStaleMs;
    this.config = next;
    this.queue.setMaxQueued(this.maxQueued());
    this.monitor.setBackends(next.backends);
    if (probeChanged) this.monitor.setProbe(next.probe);
    if (pollChanged) {
      this.poller.stop();
      this.poller = this.newPoller(next);
      if (this.monitorOn && !this.stopped) this.poller.start();
    } else this.poller.setBackends(next.backends);
    this.pump();
  }

  /** Whether any configured backend serves the model (else the request is a 404). */
  hasModel(model: string): boolean {
    return this.config.backends.some((b) => b.models.includes(model));
  }

  /** Every configured model with whether a backend serving it is up now. */
  models(): Array<{ id: string; available: boolean }> {
    const loads = this.loads();
    const out = new Map<string, boolean>();
    for (const b of this.config.backends) {
      const up = loads.find((l) => l.name === b.name)?.available ?? false;
      for (const m of b.models) out.set(m, (out.get(m) ?? false) || up);
    }
    return [...out].map(([id, available]) => ({ id, available }));
  }

  /**
   * A request's expected cost in weighted tokens (scheduler/cost.ts): its prompt tokens and its
   * output bound, capped by what its class has been seen to produce (no bound: the class's typical output).
   */
  estimate(priority: PriorityClass, promptTokens: number, maxTokens: number | undefined): TokenEstimate {
    return { promptTokens, outputTokens: maxTokens === 0 ? 0 : this.outputs.expected(priority, maxTokens) };
  }

  /**
   * Waits for a backend for `req`: at once when one has a free slot and nothing of higher standing is
   * queued, else in the queue. Rejects with DispatchError (404, 429 queue full, 503 deadline passed).
   * Aborting `signal` removes the request from the queue (a lease already given must be released).
   */
  acquire(req: AcquireRequest, signal?: AbortSignal): Promise<Lease> {
    if (this.stopped) return Promise.reject(new DispatchError(503, 'shutting_down', 'the dispatcher is shutting down'));
    if (!this.hasModel(req.model)) {
      return Promise.reject(new DispatchError(404, 'model_not_found', `no backend serves the model "${req.model}"`));
    }
    return new Promise<Lease>((resolve, reject) => {
      const now = this.clock.now();
      const id = String(++this.nextId);
      const limits = this.config.classes[req.priority];
      const enqueuedAt = req.enqueuedAt ?? now;
      const onAbort = () => {
        if (this.queue.cancel(id)) reject(new DispatchError(503, 'cancelled', 'the client went away'));
      };
      const waiter: Waiter = {
        exclude: req.exclude,
        ...(req.size ? { size: req.size } : {}),
        cost: req.size ? tokenCost(req.size) : 1,
        resolve: (lease) => { signal?.removeEventListener('abort', onAbort); resolve(lease); },
        reject: (err) => { signal?.removeEventListener('abort', onAbort); reject(err); },
      };
      const queued: QueuedRequest<Waiter> = {
        id, priority: req.priority, tenant: req.tenant, model: req.model,
        enqueuedAt, deadline: req.deadline ?? enqueuedAt + limits.deadlineMs, cost: waiter.cost, payload: waiter,
      };
      const result = this.queue.enqueue(queued);
      if (!result.ok) {
        this.opts.events?.onShed?.(req.priority, 'queue_full');
        reject(new DispatchError(429, 'queue_full', `the ${req.priority} queue is full (${limits.maxQueued} waiting)`, result.retryAfterMs));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  /** Hands free slots to queued requests in queue order; expired requests are answered 503. */
  private pump(): void {
    if (this.stopped) return;
    for (;;) {
      const now = this.clock.now();
      const loads = this.loads(now);
      // Decided once per model and class: the class reserve answers differently per class, and for
      // aged work owed its share (one slot past the reserve where its class holds none).
      const decided = new Map<string, string | undefined>();
      const decide = (model: string, priority: PriorityClass, aged: boolean): string | undefined => {
        const key = `${priority}\u0000${aged ? 1 : 0}\u0000${model}`;
        if (!decided.has(key)) decided.set(key, this.policy(model, loads, this.serves, priority, aged).backend);
        return decided.get(key);
      };
      const { request, aged = false, expired } = this.queue.take(now, (m, c, a) => decide(m, c, a) !== undefined);
      for (const e of expired) {
        this.opts.events?.onShed?.(e.priority, 'queue_timeout');
        e.payload.reject(new DispatchError(503, 'queue_timeout',
          `no backend for "${e.model}" became free within the ${e.priority} deadline (${this.config.classes[e.priority].deadlineMs} ms)`, 1000));
      }
      if (!request) break;
      let name = decide(request.model, request.priority, aged);
      const exclude = request.payload.exclude;
      if (exclude && exclude.size > 0) {
        // A retry goes elsewhere when another backend can take it now; otherwise the same one may serve.
        const other = this.policy(request.model, loads.filter((l) => !exclude.has(l.name)), this.serves, request.priority, aged).backend;
        if (other !== undefined) name = other;
      }
      const backend = this.config.backends.find((b) => b.name === name);
      const breaker = name === undefined ? undefined : this.monitor.breaker(name);
      if (!backend || !breaker?.tryAcquire()) {
        // Cannot happen with one thread (available() was just read), but never lose the request.
        this.queue.enqueue(request);
        break;
      }
      this.grant(request, backend, now, breaker.state === 'half-open');
    }
    this.setRecheck(this.queue.size() > 0);
  }

  private grant(request: QueuedRequest<Waiter>, backend: BackendConfig, now: number, trial: boolean): void {
    const before = this.inFlight.get(backend.name) ?? 0;
    // Going from idle to busy starts the no-progress clock afresh.
    if (before === 0) this.markProgress(backend.name, now);
    this.inFlight.set(backend.name, before + 1);
    const work = this.workOf(backend.name);
    const cost = request.payload.cost;
    work.byClass[request.priority]++;
    work.cost += cost;
    const waitedMs = now - request.enqueuedAt;
    this.opts.events?.onDispatch?.(request.priority, backend.name, waitedMs);
    let released = false;
    request.payload.resolve({
      backend,
      waitedMs,
      progress: () => {
        if (!released) this.markProgress(backend.name, this.clock.now());
      },
      release: (outcome) => {
        if (released) return;
        released = true;
        if (outcome.kind === 'success') this.markProgress(backend.name, this.clock.now(), this.clock.now() - now);
        this.inFlight.set(backend.name, Math.max(0, (this.inFlight.get(backend.name) ?? 1) - 1));
        work.byClass[request.priority] = Math.max(0, work.byClass[request.priority] - 1);
        work.cost = Math.max(0, work.cost - cost);
        const size = request.payload.size;
        if (outcome.kind === 'success' && outcome.usage && size) {
          // The backend's own count corrects the tenant's charge and teaches the class's typical output.
          const used = { promptTokens: outcome.usage.promptTokens ?? size.promptTokens, outputTokens: outcome.usage.outputTokens };
          if (size.outputTokens > 0) this.outputs.observe(request.priority, used.outputTokens);
          this.queue.charge(request.priority, request.tenant, tokenCost(used) - cost);
        }
        const breaker = this.monitor.breaker(backend.name);
        // While half-open only the trial's verdict counts: a request sent before the breaker opened
        // may end late, and must neither re-open it (longer cooldown) nor close it unproven.
        const counts = trial || breaker?.state !== 'half-open';
        if (outcome.kind === 'success' && counts) breaker?.recordSuccess();
        else if (outcome.kind === 'failure' && counts) breaker?.recordFailure(outcome.failure);
        else if (outcome.kind === 'busy') this.busyUntil.set(backend.name, this.clock.now() + (outcome.retryAfterMs ?? 1000));
        // A trial that ended without a verdict must not leave the backend waiting for a probe.
        if (trial && (outcome.kind === 'cancelled' || outcome.kind === 'busy')) breaker?.releaseTrial();
        this.pump();
      },
    });
  }

  private readonly serves = (backend: string, model: string): boolean =>
    this.config.backends.some((b) => b.name === backend && b.models.includes(model));

  private workOf(name: string): { byClass: Record<PriorityClass, number>; cost: number } {
    let w = this.inFlightWork.get(name);
    if (!w) this.inFlightWork.set(name, (w = { byClass: { interactive: 0, drafting: 0, batch: 0 }, cost: 0 }));
    return w;
  }

  /** Records progress on a backend's in-flight work; a finished request also feeds its service time (EWMA). */
  private markProgress(name: string, at: number, serviceMs?: number): void {
    const old = this.progress.get(name);
    const service = serviceMs === undefined ? old?.serviceMs
      : old?.serviceMs === undefined ? serviceMs : Math.round(0.8 * old.serviceMs + 0.2 * serviceMs);
    this.progress.set(name, { at: Math.max(at, old?.at ?? at), ...(service === undefined ? {} : { serviceMs: service }) });
  }

  /** The dispatcher's own work on a backend, for the health monitor's canary decision. */
  private activity(name: string): BackendActivity | undefined {
    const backend = this.config.backends.find((b) => b.name === name);
    if (!backend) return undefined;
    const p = this.progress.get(name);
    const signals = this.poller.signalsOf(name);
    return {
      inFlight: this.inFlight.get(name) ?? 0, progressAt: p?.at ?? null, slots: backend.slots,
      ...(p?.serviceMs === undefined ? {} : { serviceMs: p.serviceMs }),
      ...(signals ? { signals: { waiting: signals.waiting, running: signals.running } } : {}),
    };
  }

  /** Every configured backend's load now, as the router sees it. */
  loads(now = this.clock.now()): BackendLoad[] {
    return this.config.backends.map((b) => {
      const signals = this.poller.signalsOf(b.name);
      const residentModels = this.poller.residentModelsOf(b.name);
      const busy = (this.busyUntil.get(b.name) ?? 0) > now;
      const work = this.inFlightWork.get(b.name);
      return {
        name: b.name, tier: b.tier, slots: b.slots, weight: b.weight,
        inFlight: this.inFlight.get(b.name) ?? 0,
        inFlightByClass: work ? { ...work.byClass } : { interactive: 0, drafting: 0, batch: 0 },
        inFlightCost: work?.cost ?? 0,
        reserve: reserveFor(this.config.reserve, b),
        available: !busy && (this.monitor.breaker(b.name)?.available() ?? false),
        ...(signals ? { signals: { waiting: signals.waiting, running: signals.running, kvCacheUsage: signals.kvCacheUsage, slots: signals.slots } } : {}),
        ...(residentModels ? { residentModels } : {}),
      };
    });
  }

  /** The status document (no prompts, no secrets: base URLs cannot hold credentials). */
  status(): DispatcherStatus {
    const now = this.clock.now();
    const health = new Map(this.monitor.snapshot().map((h) => [h.name, h]));
    const pollErrors = this.poller.errors();
    const loads = new Map(this.loads(now).map((l) => [l.name, l]));
    const queues = {} as DispatcherStatus['queues'];
    for (const c of priorityClasses) queues[c] = { depth: this.queue.size(c), ...this.config.classes[c] };
    return {
      backends: this.config.backends.map((b) => {
        const h = health.get(b.name);
        const busy = this.busyUntil.get(b.name) ?? 0;
        return {
          name: b.name, baseUrl: b.baseUrl, kind: b.kind, tier: b.tier, models: b.models, slots: b.slots, weight: b.weight,
          state: h?.state ?? 'closed', inFlight: this.inFlight.get(b.name) ?? 0, busyUntil: busy > now ? busy : null,
          signals: loads.get(b.name)?.signals ?? null, residentModels: loads.get(b.name)?.residentModels ?? null,
          lastProbeAt: h?.lastProbeAt ?? null, lastError: h?.lastError ?? null, pollError: pollErrors[b.name] ?? null,
        };
      }),
      queues,
      inFlight: [...this.inFlight.values()].reduce((a, b) => a + b, 0),
    };
  }

  /** The health monitor (tests run probe rounds by hand). */
  get health(): HealthMonitor {
    return this.monitor;
  }

  /** The load-signal poller (tests poll by hand). */
  get signals(): SignalPoller {
    return this.poller;
  }

  private maxQueued(): Record<PriorityClass, number> {
    const c = this.config.classes;
    return { interactive: c.interactive.maxQueued, drafting: c.drafting.maxQueued, batch: c.batch.maxQueued };
  }

  private newPoller(config: DispatcherConfig): SignalPoller {
    return new SignalPoller(config.backends, {
      // Load signals are worth more fresh than probes: poll four times per probe interval.
      intervalMs: Math.max(100, Math.round(config.probe.intervalMs / 4)),
      timeoutMs: config.probe.timeoutMs,
      staleMs: config.metricsStaleMs,
      clock: this.clock,
      onError: (name, error) => this.opts.events?.onPollError?.(name, error),
    });
  }

  private setRecheck(on: boolean): void {
    if (on && this.stopRecheck === undefined && !this.stopped) {
      this.stopRecheck = every(this.clock, this.opts.recheckMs ?? 25, () => this.pump(), { unref: true });
    } else if (!on && this.stopRecheck !== undefined) {
      this.stopRecheck();
      this.stopRecheck = undefined;
    }
  }
}
