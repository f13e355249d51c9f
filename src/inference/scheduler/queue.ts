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
}

/** Result of enqueue: accepted, or rejected with a suggested retry delay (for 429 Retry-After). */
export type EnqueueResult =
  | { ok: true }
  | { ok: false; reason: 'full' | 'duplicate'; retryAfterMs: number };

/** Result of take: the request to dispatch (if any) and requests that expired on the way. */
export interface TakeResult<T> {
  request?: QueuedRequest<T>;
  /** Whether the request goes as aged lower-class work (owed a share), which a class reserve must not starve. */
  aged?: boolean;
  expired: QueuedRequest<T>[];
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

  /** The request take() would return now, without removing anything. */
  peek(now: number, canServe: CanServe): QueuedRequest<T> | undefined {
    return this.pick(now, canServe)?.entry.req;
  }

  /** Expires overdue requests, then removes and returns the next request some backend can serve now. */
  take(now: number, canServe: CanServe): TakeResult<T> {
    const expired = this.expire(now);
    const picked = this.pick(now, canServe);
    if (!picked) return { expired };
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
    if (st.lastTakeAt !== undefined) {
      const gap = Math.max(now - st.lastTakeAt, 0);
      st.drainMs = st.drainMs === undefined ? gap : 0.8 * st.drainMs + 0.2 * gap;
    }
    st.lastTakeAt = now;
    this.remove(entry);
    return { request: entry.req, ...(picked.aged ? { aged: true } : {}), expired };
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
    priorityClasses.forEach((c, index) => {
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

  private remove(entry: Entry<T>): void {
    const st = this.cls(entry.req.priority);
    const list = st.tenants.get(entry.req.tenant);
    const i = list ? list.indexOf(entry) : -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      st.count--;
      if (list.length === 0) {
        st.tenants.delete(entry.req.tenant);
        // Forget an idle tenant's tag once the class has caught up, so the map stays bounded.
        if ((st.finishTag.get(entry.req.tenant) ?? 0) <= st.vtime) st.finishTag.delete(entry.req.tenant);
      }
    }
    this.byId.delete(entry.req.id);
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

