/**
 * The dispatcher's Prometheus metrics, in a registry of its own. Queue depth, backend state and
 * in-flight counts are read from the dispatcher at scrape time, so they can never drift from it.
 * Labels are bounded: class names and configured backend names only.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerTransition } from '../health/breaker.js';
import type { CanaryPlan } from '../health/canary.js';
import type { PriorityClass } from '../types.js';
import type { Dispatcher, DispatcherEvents } from './dispatcher.js';

/** How a request ended, from the client's side. */
export type RequestOutcome = 'ok' | 'client_error' | 'failed' | 'shed' | 'cancelled';

// Queue waits and first tokens span milliseconds (an idle fleet) to minutes (batch under load).
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

/** Counters and histograms the forwarding code and the dispatcher's events feed. */
export class DispatcherMetrics {
  readonly registry = new Registry();
  private readonly wait: Histogram<'class'>;
  private readonly ttft: Histogram<'class' | 'stream'>;
  private readonly requests: Counter<'class' | 'outcome'>;
  private readonly retries: Counter<'class'>;
  private readonly failovers: Counter<'class'>;
  private readonly shed: Counter<'class' | 'reason'>;
  private readonly transitions: Counter<'backend' | 'to'>;
  private readonly dispatched: Counter<'class' | 'backend'>;
  private readonly pollErrors: Counter<'backend'>;
  private readonly canaries: Counter<'backend' | 'decision'>;
  private readonly own: Histogram;

  /** Creates the instruments; `defaults` adds process metrics (off in tests that build many). */
  constructor(dispatcher: () => Dispatcher | undefined, opts: { defaults?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaults ?? true) collectDefaultMetrics({ register: this.registry });
    this.wait = new Histogram({ name: 'kona_dispatcher_queue_wait_seconds', help: 'Time requests waited in the dispatcher queue before getting a backend', labelNames: ['class'], buckets: latencyBuckets, registers });
    this.ttft = new Histogram({ name: 'kona_dispatcher_time_to_first_token_seconds', help: 'From arrival to the first byte of the answer sent to the client (whole answer when not streamed)', labelNames: ['class', 'stream'], buckets: latencyBuckets, registers });
    this.requests = new Counter({ name: 'kona_dispatcher_requests_total', help: 'Requests answered, by class and outcome', labelNames: ['class', 'outcome'], registers });
    this.retries = new Counter({ name: 'kona_dispatcher_retries_total', help: 'Attempts after the first one (the earlier failed before any byte reached the client)', labelNames: ['class'], registers });
    this.failovers = new Counter({ name: 'kona_dispatcher_failovers_total', help: 'Retries that went to a different backend than any tried before', labelNames: ['class'], registers });
    this.shed = new Counter({ name: 'kona_dispatcher_shed_total', help: 'Requests refused by the queue: full (429) or past their deadline (503)', labelNames: ['class', 'reason'], registers });
    this.transitions = new Counter({ name: 'kona_dispatcher_breaker_transitions_total', help: 'Circuit breaker state changes per backend', labelNames: ['backend', 'to'], registers });
    this.dispatched = new Counter({ name: 'kona_dispatcher_dispatched_total', help: 'Attempts sent to each backend', labelNames: ['class', 'backend'], registers });
    this.pollErrors = new Counter({ name: 'kona_dispatcher_signal_poll_errors_total', help: 'Failed polls of a backend\'s load metrics', labelNames: ['backend'], registers });
    this.canaries = new Counter({ name: 'kona_dispatcher_probe_canaries_total', help: 'Probe rounds per backend by canary decision: sent (idle, stalled, not closed) or skipped (progressing, not due)', labelNames: ['backend', 'decision'], registers });
    this.own = new Histogram({ name: 'kona_dispatcher_own_seconds', help: 'The dispatcher\'s own time per forwarded request: from arrival to the end of the answer, less the time queued and at backends', buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05], registers });
    const depth = new Gauge({
      name: 'kona_dispatcher_queue_depth', help: 'Requests waiting in the dispatcher queue', labelNames: ['class'], registers,
      collect() {
        const d = dispatcher();
        if (!d) return;
        const status = d.status();
        for (const [cls, q] of Object.entries(status.queues)) this.set({ class: cls }, q.depth);
      },
    });
    void depth;
    new Gauge({
      name: 'kona_dispatcher_backend_in_flight', help: 'Requests this dispatcher has in flight on each backend', labelNames: ['backend'], registers,
      collect() {
        this.reset();
        for (const b of dispatcher()?.status().backends ?? []) this.set({ backend: b.name }, b.inFlight);
      },
    });
    new Gauge({
      name: 'kona_dispatcher_backend_slots', help: 'Configured concurrent slots of each backend', labelNames: ['backend', 'tier'], registers,
      collect() {
        this.reset();
        for (const b of dispatcher()?.status().backends ?? []) this.set({ backend: b.name, tier: b.tier }, b.slots);
      },
    });
    new Gauge({
      name: 'kona_dispatcher_backend_state', help: 'Circuit breaker state per backend (1 for the current state)', labelNames: ['backend', 'state'], registers,
      collect() {
        this.reset();
        for (const b of dispatcher()?.status().backends ?? []) {
          for (const s of ['closed', 'open', 'half-open']) this.set({ backend: b.name, state: s }, b.state === s ? 1 : 0);
        }
      },
    });
  }

  /** Event hooks to pass to the Dispatcher. */
  events(): DispatcherEvents {
    return {
      onShed: (cls, reason) => this.shed.inc({ class: cls, reason }),
      onDispatch: (cls, backend) => this.child(`d${cls}\u0000${backend}`, () => this.dispatched.labels(cls, backend)).inc(),
      onTransition: (backend: string, t: BreakerTransition) => this.transitions.inc({ backend, to: t.to }),
      onPollError: (backend) => this.pollErrors.inc({ backend }),
      onCanaryPlan: (backend: string, plan: CanaryPlan) => this.canaries.inc({ backend, decision: plan.why }),
    };
  }

  // Label sets are resolved once per value (prom-client hashes the label object on every call otherwise).
  private readonly children = new Map<string, { observe?(v: number): void; inc?(): void }>();
  private child<T extends { observe?(v: number): void; inc?(): void }>(key: string, make: () => T): T {
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = make()));
    return c as T;
  }

  /** Records the dispatcher's own time on one request (ms). */
  ownTime(ms: number): void {
    this.own.observe(ms / 1000);
  }

  /** Records a queue wait (ms). */
  waited(cls: PriorityClass, ms: number): void {
    this.child(`w${cls}`, () => this.wait.labels(cls)).observe(ms / 1000);
  }

  /** Records time to first token (ms). */
  firstToken(cls: PriorityClass, stream: boolean, ms: number): void {
    this.child(`t${cls}${stream}`, () => this.ttft.labels(cls, String(stream))).observe(ms / 1000);
  }

  /** Records how a request ended. */
  finished(cls: PriorityClass, outcome: RequestOutcome): void {
    this.child(`r${cls}${outcome}`, () => this.requests.labels(cls, outcome)).inc();
  }

  /** Records a retry; `failover` when it went to a backend not tried before. */
  retried(cls: PriorityClass, failover: boolean): void {
    this.retries.inc({ class: cls });
    if (failover) this.failovers.inc({ class: cls });
  }
}
