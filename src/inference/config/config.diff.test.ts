import { describe, expect, it } from 'vitest';
import type { BackendConfig, DispatcherConfig } from '../types.js';
import { diffConfigs, isEmptyDiff, summarizeDiff } from './config.diff.js';

const backend = (name: string, over: Partial<BackendConfig> = {}): BackendConfig => ({
  name, baseUrl: 'http://10.0.0.5:8000', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 4, weight: 1, onSite: false, ...over,
});
const config = (backends: BackendConfig[], over: Partial<DispatcherConfig> = {}): DispatcherConfig => ({
  backends,
  classes: { interactive: { maxQueued: 1, deadlineMs: 1 }, drafting: { maxQueued: 1, deadlineMs: 1 }, batch: { maxQueued: 1, deadlineMs: 1 } },
  probe: { intervalMs: 1000, timeoutMs: 500 },
  metricsStaleMs: 5000,
  timeouts: { firstTokenMs: 30_000, responseMs: 300_000, streamIdleMs: 15_000 },
  retry: { maxAttempts: 3 },
  reserve: { drafting: 0, batch: 0 },
  ...over,
});

describe('diffConfigs', () => {
  it('reports a promotion shared → dedicated and a slot change as changes of one backend', () => {
    const old = config([backend('a'), backend('b', { tier: 'shared', slots: 2 })]);
    const next = config([backend('a'), backend('b', { tier: 'dedicated', slots: 6 })]);
    const diff = diffConfigs(old, next);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]).toMatchObject({ name: 'b', fields: ['tier', 'slots'] });
    expect(diff.changed[0]?.before.tier).toBe('shared');
    expect(diff.changed[0]?.after.tier).toBe('dedicated');
    expect(summarizeDiff(diff)).toBe('b: tier shared→dedicated, slots 2→6');
  });

  it('matches by name: additions, removals, model lists and settings', () => {
    const old = config([backend('a'), backend('b')]);
    const next = config([backend('c'), backend('a', { models: ['m', 'n'] })], { metricsStaleMs: 9000 });
    const diff = diffConfigs(old, next);
    expect(diff.added.map((b) => b.name)).toEqual(['c']);
    expect(diff.removed.map((b) => b.name)).toEqual(['b']);
    expect(diff.changed.map((c) => [c.name, c.fields])).toEqual([['a', ['models']]]);
    expect(diff.settings).toEqual(['metricsStaleMs']);
  });

  it('is empty for equal configurations, whatever the backend order', () => {
    const diff = diffConfigs(config([backend('a'), backend('b')]), config([backend('b'), backend('a')]));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(summarizeDiff(diff)).toBe('no change');
  });
});
