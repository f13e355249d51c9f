/**
 * Objective-aware admission in the queue: what cannot meet its class objective is refused (with a
 * Retry-After estimate) or dropped once late, a light tenant is not refused behind another's flood,
 * retries are never shed, and cheap-first classes go cheapest next request first.
 */
import { describe, expect, it } from 'vitest';
import type { PriorityClass, QueuedRequest } from '../types.js';
import { SchedulerQueue, type QueueOptions } from './queue.js';

const any = (): boolean => true;
let seq = 0;
function req(priority: PriorityClass, tenant = 't', at = 0, extra: Partial<QueuedRequest<null>> = {}): QueuedRequest<null> {
  return { id: `a${seq++}`, priority, tenant, model: 'm', enqueuedAt: at, deadline: at + 1e9, payload: null, ...extra };
}
function queue(opts: Partial<QueueOptions> = {}): SchedulerQueue<null> {
  return new SchedulerQueue<null>({ maxQueued: { interactive: 1000, drafting: 1000, batch: 1000 }, ...opts });
}

/** Ten drafting requests of tenant `flood`, three taken 100 ms apart while backlogged: a drain of one per 100 ms, seven left. */
function drainingQueue(objectiveMs: number): SchedulerQueue<null> {
  const q = queue({ objectiveMs: { drafting: objectiveMs } });
  for (let i = 0; i < 10; i++) expect(q.enqueue(req('drafting', 'flood', 0)).ok).toBe(true);
  for (const now of [0, 100, 200]) expect(q.take(now, any).request).toBeDefined();
  return q;
}

describe('SchedulerQueue objective-aware admission', () => {
  it('refuses a request projected to miss its objective, with the wait beyond it as Retry-After', () => {
    const q = drainingQueue(500);
    // Seven of the flood ahead at 100 ms each: 700 ms projected against 500.
    const late = req('drafting', 'flood', 200);
    expect(q.enqueue(late)).toEqual({ ok: false, reason: 'objective', projectedMs: 700, retryAfterMs: 200 });
    expect(q.size('drafting')).toBe(7);
    // Within the objective it is taken.
    const q2 = drainingQueue(1000);
    expect(q2.enqueue(req('drafting', 'flood', 200))).toEqual({ ok: true });
  });

  it('does not refuse a light tenant behind another tenant\'s flood: fair queuing puts it ahead', () => {
    const q = drainingQueue(500);
    const light = req('drafting', 'light', 200);
    expect(q.enqueue(light)).toEqual({ ok: true });
    expect(q.take(300, any).request?.id).toBe(light.id);
  });

  it('counts the time since the last dispatch when a class is held back longer than it used to drain', () => {
    const q = drainingQueue(5000);
    // Nothing dispatched for 2 s: 7 ahead at 2 s each is far past 5 s.
    const r = q.enqueue(req('drafting', 'flood', 2200));
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toBe('objective');
    expect(r.ok === false && r.projectedMs).toBe(14_000);
  });

  it('admits everything while no drain rate is known, and without objectives', () => {
    const fresh = queue({ objectiveMs: { drafting: 1 } });
    for (let i = 0; i < 50; i++) expect(fresh.enqueue(req('drafting', 'flood', 0)).ok).toBe(true);
    const none = queue();
    for (let i = 0; i < 10; i++) none.enqueue(req('drafting', 'flood', 0));
    for (const now of [0, 100, 200]) none.take(now, any);
    expect(none.enqueue(req('drafting', 'flood', 200))).toEqual({ ok: true });
    expect(none.take(1e6, any).late).toBeUndefined();
  });

  it('drops requests that waited past their objective at the next take instead of dispatching them; retries stay', () => {
    const q = queue({ objectiveMs: { batch: 1000 } });
    const old = req('batch', 't', 0);
    const retry = req('batch', 't', 0, { shedExempt: true });
    const young = req('batch', 't', 800);
    for (const r of [old, retry, young]) expect(q.enqueue(r).ok).toBe(true);
    const first = q.take(1500, any);
    expect(first.late?.map((r) => r.id)).toEqual([old.id]);
    expect(first.request?.id).toBe(retry.id);
    // The young one is not late until 1800.
    expect(q.take(1700, any)).toEqual({ request: young, expired: [] });
  });

  it('never refuses a retry, however long the queue ahead', () => {
    const q = drainingQueue(500);
    expect(q.enqueue(req('drafting', 'flood', 200, { shedExempt: true }))).toEqual({ ok: true });
  });

  it('serves cheap-first classes cheapest next request first, interactive still ahead of both', () => {
    const q = queue({ cheapFirst: ['drafting', 'batch'] });
    const draft = req('drafting', 't', 0, { cost: 1300 });
    const batch = req('batch', 't', 0, { cost: 280 });
    const chat = req('interactive', 't', 0, { cost: 640 });
    for (const r of [draft, batch, chat]) q.enqueue(r);
    expect([0, 0, 0].map((now) => q.take(now, any).request?.id)).toEqual([chat.id, batch.id, draft.id]);
    // A draft cheaper than the batch item at the head goes first.
    const q2 = queue({ cheapFirst: ['drafting', 'batch'] });
    const shortDraft = req('drafting', 't', 0, { cost: 100 });
    const bigBatch = req('batch', 't', 0, { cost: 280 });
    q2.enqueue(bigBatch);
    q2.enqueue(shortDraft);
    expect(q2.take(0, any).request?.id).toBe(shortDraft.id);
    // Without cheapFirst, strict class priority.
    const strict = queue();
    strict.enqueue(req('batch', 't', 0, { cost: 1 }));
    const d = req('drafting', 't', 0, { cost: 1e6 });
    strict.enqueue(d);
    expect(strict.take(0, any).request?.id).toBe(d.id);
  });
});
