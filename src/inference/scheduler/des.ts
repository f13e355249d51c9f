/**
 * A small deterministic discrete-event simulation: virtual clock, seeded PRNG, event heap. It
 * drives the real SchedulerQueue and a RoutePolicy against simulated GPU backends, so policies can
 * be compared over thousands of requests in milliseconds, reproducibly.
 *
 * Backend model (continuous batching, simplified): a backend runs up to `slots` sequences; extra
 * requests wait in its own FIFO (only naive policies put them there). Each step emits one token per
 * running sequence and lasts decodeMs × (1 + slowdown × (running − 1)), plus the prefill time of the
 * sequences admitted at that step (prefill stalls the batch, as without chunked prefill). A newly
 * admitted sequence's first token comes at the end of its admission step.
 */
import type { BackendLoad, BackendTier, PriorityClass, QueuedRequest } from '../types.js';
import { priorityClasses } from '../types.js';
import { OutputTracker, tokenCost } from './cost.js';
import { SchedulerQueue } from './queue.js';
import { defaultReserve, reserveFor, type ReserveSettings, type RouteDecision, type RoutePolicy } from './router.js';

/** Seeded PRNG (mulberry32): deterministic numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Jain's fairness index of non-negative values: 1 when all equal, 1/n when one takes everything. */
export function jainIndex(xs: readonly number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const sq = xs.reduce((a, b) => a + b * b, 0);
  return xs.length === 0 || sq === 0 ? 1 : (sum * sum) / (xs.length * sq);
}

/** The p-th percentile (0–100, nearest rank) of values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** One simulated backend. */
export interface SimBackendSpec {
  name: string;
  tier: BackendTier;
  slots: number;
  weight?: number;
  prefillMsPerToken: number;
  decodeMsPerToken: number;
  /** Fractional step slowdown per extra running sequence. */
  slowdown: number;
}

/** One simulated request (arrival time in virtual ms). */
export interface SimRequest {
  id: string;
  at: number;
  priority: PriorityClass;
  tenant: string;
  promptTokens: number;
  outputTokens: number;
}

/** Simulation settings. */
export interface SimOptions {
  backends: SimBackendSpec[];
  requests: SimRequest[];
  policy: RoutePolicy;
  maxQueued: Record<PriorityClass, number>;
  deadlineMs: Record<PriorityClass, number>;
  /** Time-to-first-token objective per class (goodput counts requests meeting it). */
  objectiveMs: Record<PriorityClass, number>;
  agingMs?: number;
  /** Share of dispatches owed to aged lower-class requests (the queue's agedShare; its default when absent). */
  agedShare?: number;
  /** The class reserve settings as the dispatcher's configuration gives them (default: the shipped default for every backend). */
  reserve?: ReserveSettings;
  /**
   * Weigh requests in tokens as the live dispatcher does (default true): the queue charges tenants an
   * estimate (prompt + class-typical output) corrected at completion, the router sees in-flight tokens.
   * False counts every request as 1 (the baselines' view).
   */
  tokenCosts?: boolean;
  /**
   * The measurement window [0, windowMs] (default: the last arrival). Fairness, goodput and batch
   * throughput count what happened inside it, so policies are compared over the same offered load
   * rather than each over its own drain time.
   */
  fairnessWindowMs?: number;
  /** Called at each completion (virtual ms), e.g. to measure throughput under saturation. */
  onComplete?: (req: SimRequest, atMs: number) => void;
  /** Called at each first token with the time to it (ms), for breakdowns the report does not make. */
  onFirstToken?: (req: SimRequest, ttftMs: number) => void;
}

/** What a simulation run measured. */
export interface SimReport {
  /** Per class: completions and sheds (whole run), TTFT percentiles (ms), goodput (first token within the objective, per second of the window). */
  perClass: Record<PriorityClass, { completed: number; shed: number; p50: number; p90: number; p99: number; goodputPerS: number }>;
  /** Batch requests completed inside the measurement window, per second of it. */
  batchThroughputPerS: number;
  shedRate: number;
  /** Jain's index over tenants of (completions within the fairness window ÷ requests offered in it). */
  fairness: number;
  /** Per-tenant mean time to first token (ms). */
  tenantMeanTtft: Record<string, number>;
  /** Per tenant and class, inside the window: requests and weighted tokens offered and completed. */
  tenantWork: Record<string, Record<PriorityClass, { offered: number; served: number; offeredTokens: number; servedTokens: number }>>;
  /** Most requests ever in flight on each backend. */
  maxInFlight: Record<string, number>;
  /** The measurement window (ms). */
  windowMs: number;
  /** Time of the last completion or shed (ms): when the run's work was over. */
  makespanMs: number;
}

interface Seq { req: SimRequest; tokens: number; fresh: boolean }
interface SimBackend { spec: SimBackendSpec; inFlight: number; inFlightCost: number; byClass: Record<PriorityClass, number>; maxInFlight: number; running: Seq[]; waiting: SimRequest[]; stepping: boolean }
interface Ev { t: number; n: number; run: () => void }

/** A binary min-heap of events ordered by time, then insertion order (for determinism). */
class EventHeap {
  private readonly a: Ev[] = [];
  get size(): number { return this.a.length; }
  push(e: Ev): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Ev | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
function less(x: Ev, y: Ev): boolean { return x.t < y.t || (x.t === y.t && x.n < y.n); }

/** Runs one simulation to completion and reports its measurements. Deterministic for given inputs. */
export function simulate(opts: SimOptions): SimReport {
  const heap = new EventHeap();
  let now = 0;
  let n = 0;
  const at = (t: number, run: () => void): void => heap.push({ t, n: n++, run });
  const backends = opts.backends.map((spec): SimBackend => ({ spec, inFlight: 0, inFlightCost: 0, byClass: { interactive: 0, drafting: 0, batch: 0 }, maxInFlight: 0, running: [], waiting: [], stepping: false }));
  const queue = new SchedulerQueue<SimRequest>({ maxQueued: opts.maxQueued, agingMs: opts.agingMs, agedShare: opts.agedShare });
  const costs = opts.tokenCosts ?? true;
  const reserves = new Map(opts.backends.map((b) => [b.name, reserveFor(opts.reserve ?? defaultReserve, b)]));
  const outputs = new OutputTracker();
  // What the dispatcher knows before a request runs: its prompt, and the output its class usually has.
  const estimate = new Map<string, number>();
  const estimateOf = (r: SimRequest): number =>
    costs ? tokenCost({ promptTokens: r.promptTokens, outputTokens: outputs.expected(r.priority, undefined) }) : 1;
  const serves = (): boolean => true; // one model in the simulation
  const ttft = new Map<string, number>();
  const doneAt = new Map<string, number>();
  const shed = new Set<string>();
  let lastActivity = 0;
  const shedOne = (id: string): void => { shed.add(id); lastActivity = now; };

  const loads = (): BackendLoad[] =>
    backends.map((b) => ({
      name: b.spec.name, tier: b.spec.tier, slots: b.spec.slots, weight: b.spec.weight ?? 1,
      inFlight: b.inFlight, inFlightByClass: { ...b.byClass }, available: true, reserve: reserves.get(b.spec.name),
      ...(costs ? { inFlightCost: b.inFlightCost } : {}),
      signals: { running: b.running.length, waiting: b.waiting.length },
    }));

  const step = (b: SimBackend): void => {
    while (b.running.length < b.spec.slots && b.waiting.length > 0) {
      b.running.push({ req: b.waiting.shift()!, tokens: 0, fresh: true });
    }
    if (b.running.length === 0) { b.stepping = false; return; }
    b.stepping = true;
    let d = b.spec.decodeMsPerToken * (1 + b.spec.slowdown * (b.running.length - 1));
    for (const s of b.running) if (s.fresh) d += s.req.promptTokens * b.spec.prefillMsPerToken;
    at(now + d, () => {
      const still: Seq[] = [];
      for (const s of b.running) {
        if (s.fresh) {
          s.fresh = false;
          ttft.set(s.req.id, now - s.req.at);
          opts.onFirstToken?.(s.req, now - s.req.at);
        }
        s.tokens++;
        if (s.tokens >= s.req.outputTokens) {
          doneAt.set(s.req.id, now);
          lastActivity = now;
          b.inFlight--;
          b.byClass[s.req.priority]--;
          const guessed = estimate.get(s.req.id) ?? 1;
          b.inFlightCost -= guessed;
          if (costs) {
            // The backend's own count (usage) corrects the tenant's charge and teaches the class's typical output.
            outputs.observe(s.req.priority, s.req.outputTokens);
            queue.charge(s.req.priority, s.req.tenant, tokenCost(s.req) - guessed);
          }
          opts.onComplete?.(s.req, now);
        } else still.push(s);
      }
      b.running = still;
      step(b);
      dispatch();
    });
  };

  const dispatch = (): void => {
    for (;;) {
      const snapshot = loads();
      // Decide once per class (one model here): stateful baselines (round-robin, random) must not
      // advance twice, and a class-aware policy (slots reserved for higher classes) answers per class.
      // Aged work owed its share is asked about as such (it may take a slot past the reserve).
      const decided = new Map<string, RouteDecision>();
      const decide = (cls: PriorityClass, aged: boolean): RouteDecision => {
        const key = `${cls}${aged ? '+aged' : ''}`;
        let d = decided.get(key);
        if (!d) decided.set(key, (d = opts.policy('m', snapshot, serves, cls, aged)));
        return d;
      };
      const { request, aged = false, expired } = queue.take(now, (_model, cls, a) => decide(cls, a).backend !== undefined);
      for (const e of expired) shedOne(e.id);
      if (!request) return;
      const b = backends.find((x) => x.spec.name === decide(request.priority, aged).backend);
      if (!b) return; // cannot happen: take only returns servable requests
      b.inFlight++;
      b.inFlightCost += request.cost ?? 1;
      b.byClass[request.priority]++;
      b.maxInFlight = Math.max(b.maxInFlight, b.inFlight);
      b.waiting.push(request.payload);
      if (!b.stepping) step(b);
    }
  };

  for (const r of opts.requests) {
    at(r.at, () => {
      const q: QueuedRequest<SimRequest> = {
        id: r.id, priority: r.priority, tenant: r.tenant, model: 'm',
        enqueuedAt: now, deadline: now + opts.deadlineMs[r.priority], cost: estimateOf(r), payload: r,
      };
      estimate.set(r.id, q.cost ?? 1);
      if (!queue.enqueue(q).ok) { shedOne(r.id); return; }
      at(q.deadline, () => { for (const e of queue.expire(now)) shedOne(e.id); });
      dispatch();
    });
  }
  while (heap.size > 0) { const e = heap.pop()!; now = e.t; e.run(); }

  return report(opts, lastActivity, ttft, doneAt, shed, backends);
}

function report(opts: SimOptions, end: number, ttft: Map<string, number>, doneAt: Map<string, number>,
  shed: Set<string>, backends: SimBackend[]): SimReport {
  const reqs = opts.requests;
  const window = opts.fairnessWindowMs ?? Math.max(0, ...reqs.map((r) => r.at));
  const seconds = Math.max(window, 1) / 1000;
  const perClass = {} as SimReport['perClass'];
  for (const c of priorityClasses) {
    const mine = reqs.filter((r) => r.priority === c);
    const t = mine.map((r) => ttft.get(r.id)).filter((x): x is number => x !== undefined);
    perClass[c] = {
      completed: mine.filter((r) => doneAt.has(r.id)).length,
      shed: mine.filter((r) => shed.has(r.id)).length,
      p50: percentile(t, 50), p90: percentile(t, 90), p99: percentile(t, 99),
      goodputPerS: t.filter((x) => x <= opts.objectiveMs[c]).length / seconds,
    };
  }
  const tenants = [...new Set(reqs.map((r) => r.tenant))].sort();
  const shares = tenants.map((tn) => {
    const offered = reqs.filter((r) => r.tenant === tn && r.at <= window);
    const served = offered.filter((r) => (doneAt.get(r.id) ?? Infinity) <= window).length;
    return offered.length === 0 ? 0 : served / offered.length;
  });
  const tenantMeanTtft: Record<string, number> = {};
  for (const tn of tenants) {
    const t = reqs.filter((r) => r.tenant === tn).map((r) => ttft.get(r.id)).filter((x): x is number => x !== undefined);
    tenantMeanTtft[tn] = t.length ? t.reduce((a, b) => a + b, 0) / t.length : NaN;
  }
  const tenantWork: SimReport['tenantWork'] = {};
  for (const tn of tenants) {
    const zero = () => ({ offered: 0, served: 0, offeredTokens: 0, servedTokens: 0 });
    tenantWork[tn] = { interactive: zero(), drafting: zero(), batch: zero() };
  }
  for (const r of reqs) {
    if (r.at > window) continue;
    const w = tenantWork[r.tenant]![r.priority];
    const tokens = tokenCost(r);
    w.offered++;
    w.offeredTokens += tokens;
    if ((doneAt.get(r.id) ?? Infinity) <= window) { w.served++; w.servedTokens += tokens; }
  }
  return {
    perClass,
    tenantWork,
    batchThroughputPerS: reqs.filter((r) => r.priority === 'batch' && (doneAt.get(r.id) ?? Infinity) <= window).length / seconds,
    shedRate: reqs.length ? shed.size / reqs.length : 0,
    fairness: jainIndex(shares),
    tenantMeanTtft,
    maxInFlight: Object.fromEntries(backends.map((b) => [b.spec.name, b.maxInFlight])),
    windowMs: window,
    makespanMs: end,
  };
}

/**
 * Max-min fair shares ("water-filling"): `total` divided among demands so that no one gets more than
 * it asked and everyone below their demand gets the same.
 */
export function maxMinShares(demands: readonly number[], total: number): number[] {
  const out = demands.map(() => 0);
  let left = total;
  let open = demands.map((_, i) => i).filter((i) => demands[i]! > 0);
  while (open.length > 0 && left > 1e-9) {
    const each = left / open.length;
    const filled = open.filter((i) => demands[i]! - out[i]! <= each);
    if (filled.length === 0) {
      for (const i of open) out[i]! += each;
      break;
    }
    for (const i of filled) { left -= demands[i]! - out[i]!; out[i] = demands[i]!; }
    open = open.filter((i) => !filled.includes(i));
  }
  return out;
}

/**
 * Each tenant's completed weighted tokens over its fair share, inside the window: per class, the
 * class's completed tokens divided max-min fairly among the tenants' offered tokens (fairness is
 * promised within a class; between classes priority rules); a tenant's fair share is the sum over classes.
 */
export function tenantShares(work: SimReport['tenantWork']): Record<string, { servedTokens: number; fairTokens: number; share: number }> {
  const tenants = Object.keys(work).sort();
  const fair = new Map(tenants.map((t) => [t, 0]));
  for (const c of priorityClasses) {
    const demands = tenants.map((t) => work[t]![c].offeredTokens);
    const total = tenants.reduce((a, t) => a + work[t]![c].servedTokens, 0);
    maxMinShares(demands, total).forEach((f, i) => fair.set(tenants[i]!, fair.get(tenants[i]!)! + f));
  }
  return Object.fromEntries(tenants.map((t) => {
    const served = priorityClasses.reduce((a, c) => a + work[t]![c].servedTokens, 0);
    const f = fair.get(t)!;
    return [t, { servedTokens: served, fairTokens: Math.round(f), share: f > 0 ? served / f : 1 }];
  }));
}
