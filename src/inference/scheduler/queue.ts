/**
 * The dispatcher-side request queue. Pure and clock-injected: every method that depends on time
 * takes `now` (ms on the caller's clock), so the same code runs in real time and in the
 * discrete-event simulation (des.ts).
 *
 * Order of service:
 * - Between classes, strict priority (interactive > drafting > batch) with aging: a request of a
 *   lower class that has waited `agingMs` per class of distance is "aged", and aged requests are
 *   owed `agedShare` of what is dispatched to higher classes, counted in weighted tokens (default
 *   10 s and 0.1: under a flood of interactive work, batch older than 20 s still gets a tenth as
 *   many tokens as interactive, one dispatch in eleven when sizes are equal).
 *   Why a share and not plain promotion to a higher rank: under sustained overload every batch
 *   request eventually ages past fresh interactive ones, and promotion degenerates into FIFO, so
 *   interactive latency grows with the batch backlog. A bounded share keeps batch starvation-free
 *   while interactive keeps at least 1 − agedShare of the capacity. `agingMs: Infinity` gives pure
 *   strict priority.
 * - Within a class, start-time fair queuing per tenant: each request gets a virtual start tag
 *   max(class virtual time, tenant's previous finish tag); the smallest tag goes first. A tenant
 *   with a huge backlog has tags far in the future, so a tenant arriving later is served next.
 *   A request advances its tenant's finish tag by its cost in weighted tokens (scheduler/cost.ts),
 *   so tenants get equal tokens rather than equal requests: one sending drafts four times the size
 *   of another's chats gets a quarter as many through. `charge` corrects the estimate with the
 *   backend's own count once the answer is in (the Virtual Token Counter's idea).
 */
import type { PriorityClass, QueuedRequest } from '../types.js';
import { priorityClasses } from '../types.js';

/** Options for a SchedulerQueue. */
export interface QueueOptions {
  /** Most requests queued per class; enqueue beyond it is rejected. */
  maxQueued: Record<PriorityClass, number>;
  /** Wait (ms), per class of distance below the top waiting class, after which a request is aged; Infinity disables aging. Default 10 000. */
  agingMs?: number;
  /** Share of dispatches owed to aged requests while higher classes wait (0–1, default 0.1). */
  agedShare?: number;
  /** Relative tenant shares within a class (default 1 each). */
  tenantWeight?: (tenant: string) => number;
  /**
   * Objective-aware admission per class: a request whose projected wait for a slot exceeds
   * `objectiveMs` is refused at once, and one that has waited past it is dropped at the next take
   * (both returned for a 429 with Retry-After), so work that cannot meet its objective does not hold
   * capacity that work which can would use. A class without an entry is never shed this way.
   */
  objectiveMs?: Partial<Record<PriorityClass, number>>;
  /**
   * Classes that share their ranks and go cheapest first among themselves: the class whose next
   * request (by fair-queue tag) costs fewest weighted tokens takes the highest of their ranks. With
   * objective-aware admission this serves cheap batch work (whose objective leaves room) before a
   * long draft, which most goodput per slot-second asks for; what cannot wait is shed, not starved.
   */
  cheapFirst?: readonly PriorityClass[];
}

/** Result of enqueue: accepted, or rejected with a suggested retry delay (for 429 Retry-After). */
export type EnqueueResult =
  | { ok: true }
  | { ok: false; reason: 'full' | 'duplicate' | 'objective'; retryAfterMs: number; projectedMs?: number };

/** Result of take: the request to dispatch (if any) and requests that expired on the way. */
export interface TakeResult<T> {
  request?: QueuedRequest<T>;
  /** Whether the request goes as aged lower-class work (owed a share), which a class reserve must not starve. */
  aged?: boolean;
  expired: QueuedRequest<T>[];
  /** Requests dropped because they waited past their class objective (objective-aware admission). */
  late?: QueuedRequest<T>[];
}

/**
 * Whether some backend can take a request for `model` of class `priority` now. `aged`: the request
 * is owed a share (see the file comment), and a class reserve must not starve it.
 */
export type CanServe = (model: string, priority: PriorityClass, aged: boolean) => boolean;

interface Entry<T> {
  req: QueuedRequest<T>;
  tag: number;
}

interface ClassState<T> {
  tenants: Map<string, Entry<T>[]>;
  finishTag: Map<string, number>;
  vtime: number;
  count: number;
  /** Smoothed interval between dispatches (ms), for Retry-After estimates. */
  drainMs?: number;
  lastTakeAt?: number;
  /** Whether the last take left requests waiting (only gaps while backlogged measure the drain rate). */
  backlogged?: boolean;
}

/** Priority + aging + per-tenant fair queue with bounds, deadlines and cancellation. */
export class SchedulerQueue<T = unknown> {
  private readonly classes = new Map<PriorityClass, ClassState<T>>();
  private readonly byId = new Map<string, Entry<T>>();
  private readonly agingMs: number;
  private readonly agedShare: number;
  /** Weighted tokens owed to aged lower-class requests (accrues agedShare of each higher-class dispatch's cost). */
  private agedCredit = 0;

  /** Creates an empty queue. */
  constructor(private readonly opts: QueueOptions) {
    this.agingMs = opts.agingMs ?? 10_000;
    this.agedShare = Math.min(Math.max(opts.agedShare ?? 0.1, 0), 1);
    for (const c of priorityClasses) {
      this.classes.set(c, { tenants: new Map(), finishTag: new Map(), vtime: 0, count: 0 });
    }
  }

  /** Changes objective-aware admission (a reload): the objectives and the cheap-first classes. */
  setAdmission(admission: Pick<QueueOptions, 'objectiveMs' | 'cheapFirst'>): void {
    this.opts.objectiveMs = admission.objectiveMs;
    this.opts.cheapFirst = admission.cheapFirst;
  }

  /** Changes the per-class bounds (a reload); requests already queued beyond a lowered bound stay. */
  setMaxQueued(maxQueued: Record<PriorityClass, number>): void {
    this.opts.maxQueued = { ...maxQueued };
  }

  /** Number of queued requests, in one class or in all. */
  size(cls?: PriorityClass): number {
    if (cls) return this.cls(cls).count;
    return this.byId.size;
  }

  /** Adds a request, or rejects it when its class is full (with a Retry-After estimate). */
  enqueue(req: QueuedRequest<T>): EnqueueResult {
    const st = this.cls(req.priority);
    if (this.byId.has(req.id)) return { ok: false, reason: 'duplicate', retryAfterMs: 0 };
    if (st.count >= this.opts.maxQueued[req.priority]) {
      return { ok: false, reason: 'full', retryAfterMs: this.retryAfter(st) };
    }
    const start = Math.max(st.vtime, st.finishTag.get(req.tenant) ?? 0);
    const objective = this.opts.objectiveMs?.[req.priority];
    if (objective !== undefined && !req.shedExempt) {
      const projectedMs = this.projectedWait(st, start, req.enqueuedAt);
      if (projectedMs > objective) {
        // Retry once the queue ahead has drained to what the objective allows.
        return { ok: false, reason: 'objective', projectedMs, retryAfterMs: Math.round(Math.min(Math.max(projectedMs - objective, 100), 60_000)) };
      }
    }
    st.finishTag.set(req.tenant, start + this.share(req.tenant, req.cost ?? 1));
    const entry: Entry<T> = { req, tag: start };
    let list = st.tenants.get(req.tenant);
    if (!list) st.tenants.set(req.tenant, (list = []));
    list.push(entry);
    st.count++;
    this.byId.set(req.id, entry);
    return { ok: true };
  }

  /**
   * Corrects what a tenant was charged in a class by `delta` weighted tokens (the real cost minus the
   * estimate): its queued and later requests start that much later, or sooner (never before the
   * class's virtual time). Nothing when the tenant has no tag in the class.
   */
  charge(priority: PriorityClass, tenant: string, delta: number): void {
    const st = this.cls(priority);
    const tag = st.finishTag.get(tenant);
    if (tag === undefined || !Number.isFinite(delta) || delta === 0) return;
    const shift = this.share(tenant, delta);
    st.finishTag.set(tenant, Math.max(st.vtime, tag + shift));
    for (const e of st.tenants.get(tenant) ?? []) e.tag = Math.max(st.vtime, e.tag + shift);
  }

  private share(tenant: string, cost: number): number {
    return cost / Math.max(this.opts.tenantWeight?.(tenant) ?? 1, 1e-6);
  }

  /** Removes a queued request by id (a client that went away); returns it if it was queued. */
  cancel(id: string): QueuedRequest<T> | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.remove(entry);
    return entry.req;
  }

  /** Removes and returns every request whose deadline has passed. */
  expire(now: number): QueuedRequest<T>[] {
    const out: QueuedRequest<T>[] = [];
    for (const entry of [...this.byId.values()]) {
      if (entry.req.deadline <= now) {
        this.remove(entry);
        out.push(entry.req);
      }
    }
    return out;
  }

  /** Removes and returns every request that has waited past its class objective (none without objectives). */
  dropLate(now: number): QueuedRequest<T>[] {
    const objectives = this.opts.objectiveMs;
    if (!objectives) return [];
    const out: QueuedRequest<T>[] = [];
    for (const c of priorityClasses) {
      const objective = objectives[c];
      const st = this.cls(c);
      if (objective === undefined || st.count === 0) continue;
      for (const list of st.tenants.values()) {
        // FIFO per tenant: the late ones are at the front (a retry, exempt, may sit among them).
        // Removing an emptied tenant while iterating the map is safe for a Map.
        for (let i = 0; i < list.length;) {
          const e = list[i]!;
          if (e.req.shedExempt) { i++; continue; }
          if (now - e.req.enqueuedAt <= objective) break;
          this.remove(e);
          out.push(e.req);
        }
      }
    }
    return out;
  }

  /**
   * Projected wait (ms) of a request of this class with start tag `tag`: the requests of the class
   * that go before it (smaller tags: fair queuing may put a light tenant ahead of a flood) times the
   * class's measured interval between dispatches while backlogged, or the time since its last
   * dispatch when that is longer (a class held back by higher ones drains slower than it did). 0
   * while nothing is queued or no drain rate is known yet.
   */
  projectedWait(st: ClassState<T>, tag: number, now: number): number {
    if (st.count === 0 || st.drainMs === undefined) return 0;
    let ahead = 0;
    for (const list of st.tenants.values()) {
      // Tags rise along a tenant's FIFO list: binary search for how many are ahead.
      let lo = 0, hi = list.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid]!.tag <= tag) lo = mid + 1; else hi = mid; }
      ahead += lo;
    }
    const interval = Math.max(st.drainMs, st.lastTakeAt !== undefined && st.backlogged ? now - st.lastTakeAt : 0);
    return ahead * interval;
  }

  /** The request take() would return now, without removing anything. */
  peek(now: number, canServe: CanServe): QueuedRequest<T> | undefined {
    return this.pick(now, canServe)?.entry.req;
  }

  /** Expires overdue requests, then removes and returns the next request some backend can serve now. */
  take(now: number, canServe: CanServe): TakeResult<T> {
    const expired = this.expire(now);
    const late = this.dropLate(now);
    const lateOut = late.length > 0 ? { late } : {};
    const picked = this.pick(now, canServe);
    if (!picked) return { expired, ...lateOut };
    const entry = picked.entry;
    if (picked.aged) this.agedCredit -= entry.req.cost ?? 1;
    else if (picked.agedCost !== undefined) {
      // Owed tokens do not pile up beyond one dispatch's worth: an aged share, not a backlog of debt.
      const owed = this.agedShare * (entry.req.cost ?? 1);
      this.agedCredit = Math.min(this.agedCredit + owed, Math.max(owed, picked.agedCost));
    }
    else this.agedCredit = 0;
    const st = this.cls(entry.req.priority);
    st.vtime = Math.max(st.vtime, entry.tag);
    if (st.lastTakeAt !== undefined && st.backlogged) {
      const gap = Math.max(now - st.lastTakeAt, 0);
      st.drainMs = st.drainMs === undefined ? gap : 0.8 * st.drainMs + 0.2 * gap;
    }
    st.lastTakeAt = now;
    this.remove(entry);
    st.backlogged = st.count > 0;
    return { request: entry.req, ...(picked.aged ? { aged: true } : {}), expired, ...lateOut };
  }

  private pick(now: number, canServe: CanServe): { entry: Entry<T>; aged: boolean; agedCost?: number } | undefined {
    // Asked once per model and class: a class reserve answers differently per class.
    const memo = new Map<string, boolean>();
    const serves = (m: string, c: PriorityClass, aged: boolean): boolean => {
      const key = `${c}\u0000${aged ? 1 : 0}\u0000${m}`;
      let v = memo.get(key);
      if (v === undefined) memo.set(key, (v = canServe(m, c, aged)));
      return v;
    };
    let top: { entry: Entry<T>; index: number } | undefined;
    let aged: { entry: Entry<T>; oldest: number } | undefined;
    this.order().forEach((c, index) => {
      const st = this.cls(c);
      if (st.count === 0) return;
      let head: Entry<T> | undefined;
      let oldest: Entry<T> | undefined;
      for (const list of st.tenants.values()) {
        // First servable, unexpired entry of each tenant: FIFO within a tenant, and a model no
        // backend can serve now does not block other models.
        // Below the top class, a tenant whose oldest request has aged is asked about as aged work.
        const mayAge = top !== undefined && this.agedShare > 0 && list[0] !== undefined && now - list[0].req.enqueuedAt >= this.agingMs * (index - top.index);
        const e = list.find((x) => x.req.deadline > now && serves(x.req.model, c, mayAge));
        if (!e) continue;
        if (!oldest || e.req.enqueuedAt < oldest.req.enqueuedAt) oldest = e;
        if (!head || e.tag < head.tag || (e.tag === head.tag && e.req.enqueuedAt < head.req.enqueuedAt)) head = e;
      }
      if (!head || !oldest) return;
      if (!top) {
        top = { entry: head, index };
        return;
      }
      const waited = now - oldest.req.enqueuedAt;
      if (waited >= this.agingMs * (index - top.index) && (!aged || oldest.req.enqueuedAt < aged.oldest)) {
        // Within the aged class, still the tenant-fair head (not the oldest) is served.
        aged = { entry: head, oldest: oldest.req.enqueuedAt };
      }
    });
    if (!top) return undefined;
    if (!aged) return { entry: top.entry, aged: false };
    const agedCost = aged.entry.req.cost ?? 1;
    if (this.agedShare > 0 && this.agedCredit >= agedCost - 1e-9) return { entry: aged.entry, aged: true, agedCost };
    return { entry: top.entry, aged: false, agedCost };
  }

  /** Class ranks for this pick: priorityClasses, with the cheapFirst classes reordered by their next request's cost. */
  private order(): readonly PriorityClass[] {
    const cheap = this.opts.cheapFirst;
    if (!cheap || cheap.length < 2) return priorityClasses;
    const nextCost = (c: PriorityClass): number => {
      let head: Entry<T> | undefined;
      for (const list of this.cls(c).tenants.values()) {
        const e = list[0];
        if (e && (!head || e.tag < head.tag)) head = e;
      }
      return head ? (head.req.cost ?? 1) : Infinity;
    };
    const costs = new Map(cheap.map((c) => [c, nextCost(c)]));
    const sorted = [...cheap].sort((a, b) => costs.get(a)! - costs.get(b)! || priorityClasses.indexOf(a) - priorityClasses.indexOf(b));
    let k = 0;
    return priorityClasses.map((c) => (costs.has(c) ? sorted[k++]! : c));
  }

  private remove(entry: Entry<T>): void {
    const st = this.cls(entry.req.priority);
    const list = st.tenants.get(entry.req.tenant);
    const i = list ? list.indexOf(entry) : -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      st.count--;
      if (st.count === 0) st.backlogged = false;
      if (list.length === 0) {
        st.tenants.delete(entry.req.tenant);
        // Forget an idle tenant's tag once the class has caught up, so the map stays bounded.
        if ((st.finishTag.get(entry.req.tenant) ?? 0) <= st.vtime) st.finishTag.delete(entry.req.tenant);
      }
    }
    this.byId.delete(entry.req.id);
  }

  /** Suggested wait (ms) before a request of `cls` is sent again: the time to drain what is queued in it. */
  retryAfterMs(cls: PriorityClass): number {
    return this.retryAfter(this.cls(cls));
  }

  private retryAfter(st: ClassState<T>): number {
    // Time to drain what is queued at the recent dispatch rate; 1 s when no rate is known yet.
    const est = st.drainMs !== undefined ? st.count * st.drainMs : 1000;
    return Math.round(Math.min(Math.max(est, 100), 60_000));
  }

  private cls(c: PriorityClass): ClassState<T> {
    const st = this.classes.get(c);
    if (!st) throw new Error(`unknown priority class ${c}`);
    return st;
  }
}

