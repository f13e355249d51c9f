import { describe, expect, it } from 'vitest';
import type { PriorityClass, QueuedRequest } from '../types.js';
import { SchedulerQueue, type QueueOptions } from './queue.js';

const any = (): boolean => true;
let seq = 0;
function req(priority: PriorityClass, tenant = 't', at = 0, extra: Partial<QueuedRequest<null>> = {}): QueuedRequest<null> {
  return { id: `q${seq++}`, priority, tenant, model: 'm', enqueuedAt: at, deadline: at + 1e9, payload: null, ...extra };
}
function queue(opts: Partial<QueueOptions> = {}): SchedulerQueue<null> {
  return new SchedulerQueue<null>({ maxQueued: { interactive: 100, drafting: 100, batch: 100 }, ...opts });
}
function drain(q: SchedulerQueue<null>, now: number, n = Infinity): QueuedRequest<null>[] {
  const out: QueuedRequest<null>[] = [];
  while (out.length < n) {
    const r = q.take(now, any).request;
    if (!r) break;
    out.push(r);
  }
  return out;
}

describe('SchedulerQueue', () => {
  it('serves classes in strict priority order, FIFO within a tenant', () => {
    const q = queue();
    const b = req('batch'), d = req('drafting'), i1 = req('interactive'), i2 = req('interactive');
    for (const r of [b, d, i1, i2]) expect(q.enqueue(r)).toEqual({ ok: true });
    expect(q.peek(0, any)?.id).toBe(i1.id);
    expect(drain(q, 0).map((r) => r.id)).toEqual([i1.id, i2.id, d.id, b.id]);
    expect(q.size()).toBe(0);
  });

  it('lets aged batch work through under sustained interactive load, at a bounded share', () => {
    const q = queue({ agingMs: 1000, agedShare: 0.25, maxQueued: { interactive: 10_000, drafting: 10, batch: 10 } });
    const batch = req('batch', 't', 0);
    q.enqueue(batch);
    // Interactive arrives faster than it is served: one dispatch and two arrivals every 10 ms.
    let served: QueuedRequest<null>[] = [];
    for (let now = 0; now < 5000 && served.every((r) => r.priority !== 'batch'); now += 10) {
      q.enqueue(req('interactive', 't', now));
      q.enqueue(req('interactive', 't', now));
      served = served.concat(drain(q, now, 1));
    }
    const at = served.findIndex((r) => r.id === batch.id);
    expect(at).toBeGreaterThan(0);
    // Aged at 2000 ms (two classes of distance) = dispatch 200; then one in four is owed.
    expect(at).toBeGreaterThanOrEqual(200);
    expect(at).toBeLessThan(210);
  });

  it('never serves batch before interactive when aging is disabled', () => {
    const q = queue({ agingMs: Infinity });
    q.enqueue(req('batch', 't', 0));
    for (let i = 0; i < 50; i++) q.enqueue(req('interactive', 't', i));
    expect(drain(q, 1e7, 50).every((r) => r.priority === 'interactive')).toBe(true);
  });

  it('is fair between tenants: a huge backlog does not starve a tenant with a few requests', () => {
    const q = queue({ maxQueued: { interactive: 10, drafting: 10, batch: 10_000 } });
    for (let i = 0; i < 1000; i++) q.enqueue(req('batch', 'big', 0));
    drain(q, 1, 10);
    const small = [req('batch', 'small', 2), req('batch', 'small', 2), req('batch', 'small', 2)];
    for (const r of small) q.enqueue(r);
    const next = drain(q, 3, 6);
    // Alternates with the big tenant instead of waiting behind its 990 queued requests.
    expect(next.filter((r) => r.tenant === 'small')).toHaveLength(3);
  });

  it('shares equally between two flooding tenants and honours weights', () => {
    const q = queue({ maxQueued: { interactive: 10, drafting: 10, batch: 10_000 }, tenantWeight: (t) => (t === 'heavy' ? 3 : 1) });
    for (let i = 0; i < 400; i++) { q.enqueue(req('batch', 'a', i)); q.enqueue(req('batch', 'heavy', i)); }
    const first = drain(q, 1000, 100);
    expect(first.filter((r) => r.tenant === 'heavy').length).toBeGreaterThanOrEqual(74);
    expect(first.filter((r) => r.tenant === 'heavy').length).toBeLessThanOrEqual(76);
  });

  it('rejects beyond the class bound with a retry-after estimate from the drain rate', () => {
    const q = queue({ maxQueued: { interactive: 2, drafting: 10, batch: 10 } });
    expect(q.enqueue(req('interactive'))).toEqual({ ok: true });
    expect(q.enqueue(req('interactive'))).toEqual({ ok: true });
    const full = q.enqueue(req('interactive'));
    expect(full).toMatchObject({ ok: false, reason: 'full' });
    expect(full.ok ? 0 : full.retryAfterMs).toBe(1000);
    expect(q.enqueue(req('batch'))).toEqual({ ok: true }); // other classes unaffected
    q.take(0, any); q.take(500, any); // one dispatch per 500 ms
    q.enqueue(req('interactive')); q.enqueue(req('interactive'));
    const again = q.enqueue(req('interactive'));
    expect(again.ok ? 0 : again.retryAfterMs).toBe(1000); // 2 queued × 500 ms
  });

  it('expires requests past their deadline instead of dispatching them', () => {
    const q = queue();
    const late = req('interactive', 't', 0, { deadline: 100 });
    const ok = req('batch', 't', 0, { deadline: 1000 });
    q.enqueue(late); q.enqueue(ok);
    expect(q.peek(150, any)?.id).toBe(ok.id);
    const r = q.take(150, any);
    expect(r.expired.map((x) => x.id)).toEqual([late.id]);
    expect(r.request?.id).toBe(ok.id);
    expect(q.expire(2000)).toEqual([]);
  });

  it('cancels by id and rejects duplicates', () => {
    const q = queue();
    const a = req('interactive'), b = req('interactive');
    q.enqueue(a); q.enqueue(b);
    expect(q.enqueue(a)).toMatchObject({ ok: false, reason: 'duplicate' });
    expect(q.cancel(a.id)?.id).toBe(a.id);
    expect(q.cancel(a.id)).toBeUndefined();
    expect(drain(q, 0).map((r) => r.id)).toEqual([b.id]);
  });

  it('takes only what some backend can serve now, without blocking other models', () => {
    const q = queue();
    const big = req('interactive', 't', 0, { model: 'big' });
    const small = req('batch', 't', 1, { model: 'small' });
    q.enqueue(big); q.enqueue(small);
    expect(q.take(0, (m) => m === 'small').request?.id).toBe(small.id);
    expect(q.take(0, () => false).request).toBeUndefined();
    expect(q.size()).toBe(1);
  });
});

describe('SchedulerQueue: cost in tokens', () => {
  it('gives tenants equal tokens, not equal requests: long drafts get fewer through than short chats, in proportion', () => {
    const q = queue({ maxQueued: { interactive: 1000, drafting: 1000, batch: 1000 } });
    // Tenant "drafts" sends requests four times the weighted tokens of tenant "chats"; both keep a backlog.
    for (let i = 0; i < 200; i++) {
      q.enqueue(req('drafting', 'drafts', 0, { cost: 4000 }));
      q.enqueue(req('drafting', 'chats', 0, { cost: 1000 }));
    }
    const served = drain(q, 0, 100);
    const drafts = served.filter((r) => r.tenant === 'drafts').length;
    const chats = served.filter((r) => r.tenant === 'chats').length;
    expect(chats).toBe(80);
    expect(drafts).toBe(20);
    // Tokens served are equal within one request of each.
    expect(Math.abs(drafts * 4000 - chats * 1000)).toBeLessThanOrEqual(4000);
  });

  it('counted in requests (no cost given), the same two tenants alternate', () => {
    const q = queue();
    for (let i = 0; i < 20; i++) {
      q.enqueue(req('drafting', 'drafts'));
      q.enqueue(req('drafting', 'chats'));
    }
    const served = drain(q, 0, 10);
    expect(served.filter((r) => r.tenant === 'drafts')).toHaveLength(5);
  });

  it('charge corrects an estimate with the real count: a tenant whose answers ran long waits longer next time', () => {
    const q = queue();
    for (let i = 0; i < 10; i++) {
      q.enqueue(req('batch', 'a', 0, { cost: 100 }));
      q.enqueue(req('batch', 'b', 0, { cost: 100 }));
    }
    // Both were estimated at 100 a request; a's first answers really cost 500 each.
    drain(q, 0, 2);
    q.charge('batch', 'a', 400 * 5);
    const next = drain(q, 0, 8).map((r) => r.tenant);
    expect(next.filter((t) => t === 'b').length).toBeGreaterThan(next.filter((t) => t === 'a').length * 2);
    // A charge for an unknown tenant or class changes nothing and does not throw.
    q.charge('interactive', 'nobody', 1e6);
    expect(q.size('interactive')).toBe(0);
  });

  it('owes aged lower-class work a share of the tokens, not of the requests, dispatched above it', () => {
    const q = queue({ agingMs: 0, agedShare: 0.5 });
    for (let i = 0; i < 20; i++) q.enqueue(req('interactive', 'i', 0, { cost: 1000 }));
    for (let i = 0; i < 20; i++) q.enqueue(req('batch', 'b', 0, { cost: 250 }));
    const first = drain(q, 1, 12).map((r) => r.priority);
    // Half of each 1000-token interactive dispatch is owed: two 250-token batch requests after each.
    expect(first.filter((c) => c === 'batch')).toHaveLength(8);
    expect(first.filter((c) => c === 'interactive')).toHaveLength(4);
  });
});

describe('SchedulerQueue: aged work and a class reserve', () => {
  it('asks about aged lower-class work as aged, and says so when it goes, so a reserve cannot starve it', () => {
    const q = queue({ agingMs: 1000, agedShare: 1 });
    for (let i = 0; i < 5; i++) q.enqueue(req('interactive', 'i', 0));
    q.enqueue(req('batch', 'b', 0));
    // A backend whose reserve refuses batch, except aged batch.
    const asked: string[] = [];
    const canServe = (_m: string, c: PriorityClass, aged: boolean): boolean => { asked.push(`${c}${aged ? '+aged' : ''}`); return c !== 'batch' || aged; };
    expect(q.take(0, canServe).aged).toBeUndefined(); // not aged yet: interactive goes
    expect(asked).toContain('batch');
    const later = [q.take(2500, canServe), q.take(2500, canServe)];
    expect(asked).toContain('batch+aged');
    const agedTake = later.find((t) => t.request?.priority === 'batch');
    expect(agedTake?.aged).toBe(true);
  });
});
