import { describe, expect, it } from 'vitest';
import { podOwner } from './owner.js';

describe('podOwner', () => {
  it('strips the generated suffixes of Deployment, DaemonSet and Job pods', () => {
    expect(podOwner({ pod: 'web-7d9f8b6c5-x2kqp' })).toBe('web');
    expect(podOwner({ pod: 'kona-worker-5b7c9d8f6-t4nqw' })).toBe('kona-worker');
    expect(podOwner({ pod: 'node-exporter-7xk2p' })).toBe('node-exporter');
  });

  it('prefers an explicit owner label', () => {
    expect(podOwner({ pod: 'web-7d9f8b6c5-x2kqp', created_by_name: 'web-7d9f8b6c5' })).toBe('web-7d9f8b6c5');
    expect(podOwner({ pod: 'x', owner: 'batch' })).toBe('batch');
  });

  it('derives no owner where a name has no generated suffix, so unrelated pods never merge', () => {
    expect(podOwner({ pod: 'db-0' })).toBeUndefined();
    expect(podOwner({ pod: 'web-cache' })).toBeUndefined(); // vowels: not the safe-encoding alphabet
    expect(podOwner({ pod: 'web-abcde' })).toBeUndefined();
    expect(podOwner({ namespace: 'kona' })).toBeUndefined();
  });
});
