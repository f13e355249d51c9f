import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { GpuModel, stepDurationMs, type GpuTiming } from './model.js';

const timing: GpuTiming = { slots: 2, baseStepMs: 10, alpha: 0.5, prefillMsPerToken: 1, kvTokenBudget: 100 };

function run(model: GpuModel, clock: ManualClock, req: { promptTokens: number; maxTokens: number }) {
  const out = { tokens: [] as number[], tokenTimes: [] as number[], doneAt: -1 };
  const handle = model.submit(req, {
    onToken: (i) => { out.tokens.push(i); out.tokenTimes.push(clock.now()); },
    onDone: () => { out.doneAt = clock.now(); },
  });
  return { out, handle };
}

describe('stepDurationMs', () => {
  it('grows with the batch and with prefill tokens, scaled by slowdown', () => {
    expect(stepDurationMs(timing, 1, 0)).toBe(10);
    expect(stepDurationMs(timing, 3, 0)).toBe(20);
    expect(stepDurationMs(timing, 1, 5)).toBe(15);
    expect(stepDurationMs(timing, 1, 0, 3)).toBe(30);
  });
});

describe('GpuModel', () => {
  it('emits the first token after prefill and one token per step after', () => {
    const clock = new ManualClock();
    const model = new GpuModel(timing, clock);
    const { out } = run(model, clock, { promptTokens: 5, maxTokens: 3 });
    clock.runUntilIdle();
    expect(out.tokens).toEqual([0, 1, 2]);
    expect(out.tokenTimes).toEqual([15, 25, 35]);
    expect(out.doneAt).toBe(35);
    const snap = model.snapshot();
    expect(snap).toMatchObject({ running: 0, waiting: 0, promptTokensTotal: 5, generationTokensTotal: 3, requestsFinishedTotal: 1 });
  });

  it('slows each step as more sequences run (continuous batching)', () => {
    const solo = new ManualClock();
    const a = run(new GpuModel(timing, solo), solo, { promptTokens: 0, maxTokens: 10 });
    solo.runUntilIdle();

    const shared = new ManualClock();
    const model = new GpuModel(timing, shared);
    const b = run(model, shared, { promptTokens: 0, maxTokens: 10 });
    run(model, shared, { promptTokens: 0, maxTokens: 10 });
    shared.runUntilIdle();

    expect(a.out.doneAt).toBe(100);
    expect(b.out.doneAt).toBe(150); // each step 10 * (1 + 0.5)
    const gaps = b.out.tokenTimes.slice(1).map((t, i) => t - b.out.tokenTimes[i]!);
    expect(new Set(gaps)).toEqual(new Set([15]));
  });

  it('queues beyond the slots and admits the waiting at the next step', () => {
    const clock = new ManualClock();
    const model = new GpuModel(timing, clock);
    run(model, clock, { promptTokens: 0, maxTokens: 2 });
    run(model, clock, { promptTokens: 0, maxTokens: 2 });
    const third = run(model, clock, { promptTokens: 0, maxTokens: 1 });
    clock.advance(0);
    expect(model.snapshot()).toMatchObject({ running: 2, waiting: 1 });
    expect(model.snapshot().slots.map((s) => s.busy)).toEqual([true, true]);
    clock.advance(30); // two steps of 15 ms finish both
    expect(model.snapshot()).toMatchObject({ running: 1, waiting: 0 });
    clock.runUntilIdle();
    expect(third.out.doneAt).toBe(40);
  });

  it('frees the slot of a cancelled sequence for the waiting one', () => {
    const clock = new ManualClock();
    const model = new GpuModel({ ...timing, slots: 1 }, clock);
    const first = run(model, clock, { promptTokens: 0, maxTokens: 100 });
    const second = run(model, clock, { promptTokens: 0, maxTokens: 1 });
    clock.advance(25);
    expect(model.snapshot()).toMatchObject({ running: 1, waiting: 1 });
    first.handle.cancel();
    clock.runUntilIdle();
    expect(first.out.doneAt).toBe(-1);
    expect(first.out.tokens.length).toBe(2);
    expect(second.out.doneAt).toBe(40); // the step in progress at 25 ends at 30, then one step
  });

  it('reports KV-cache usage as a fraction of the token budget', () => {
    const clock = new ManualClock();
    const model = new GpuModel(timing, clock);
    run(model, clock, { promptTokens: 30, maxTokens: 5 });
    run(model, clock, { promptTokens: 20, maxTokens: 5 });
    clock.advance(60); // first step: 10 * 1.5 + 50 prefill = 65 ms, not over yet
    expect(model.snapshot().kvTokens).toBe(50);
    clock.advance(5);
    expect(model.snapshot().kvTokens).toBe(52);
    expect(model.snapshot().kvCacheUsage).toBeCloseTo(0.52);
    clock.runUntilIdle();
    expect(model.snapshot().kvCacheUsage).toBe(0);
  });

  it('applies the slowdown factor to later steps', () => {
    const clock = new ManualClock();
    const model = new GpuModel(timing, clock);
    model.setSlowdown(4);
    const { out } = run(model, clock, { promptTokens: 0, maxTokens: 2 });
    clock.runUntilIdle();
    expect(out.doneAt).toBe(80);
  });

  it('finishes a zero-token sequence (embeddings) after its prefill step', () => {
    const clock = new ManualClock();
    const model = new GpuModel(timing, clock);
    const { out } = run(model, clock, { promptTokens: 10, maxTokens: 0 });
    clock.runUntilIdle();
    expect(out.tokens).toEqual([]);
    expect(out.doneAt).toBe(20);
  });
});
