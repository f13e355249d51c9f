import { describe, expect, it } from 'vitest';
import type { BackendLoad } from '../types.js';
import { capacity, dispatcherPolicy, isCold, isSaturated, occupancy } from './router.js';

const all = (): boolean => true;
function load(name: string, extra: Partial<BackendLoad> = {}): BackendLoad {
  return { name, tier: 'dedicated', slots: 4, weight: 1, inFlight: 0, available: true, ...extra };
}

describe('routing on what each kind reports', () => {
  it("holds a llama.cpp server to its own slot count when it has fewer than configured", () => {
    const cpp = load('cpp', { inFlight: 2, signals: { running: 2, waiting: 0, slots: 2 } });
    expect(capacity(cpp)).toBe(2);
    expect(occupancy(cpp)).toBe(1);
    expect(isSaturated(cpp)).toBe(true);
    expect(dispatcherPolicy('m', [cpp], all)).toEqual({ reason: 'saturated' });
    // More slots on the server than configured do not raise the dispatcher's own limit.
    expect(capacity(load('big', { signals: { running: 0, waiting: 0, slots: 16 } }))).toBe(4);
  });

  it('prefers an Ollama that holds the model over one that would load it first, and uses the cold one when it must', () => {
    const warm = load('warm', { inFlight: 2, residentModels: ['llama3:latest'] });
    const cold = load('cold', { residentModels: ['mistral:latest'] });
    expect(isCold(cold, 'llama3')).toBe(true);
    expect(isCold(warm, 'llama3')).toBe(false);
    expect(isCold(load('silent'), 'llama3')).toBe(false); // a backend that does not say is not cold
    expect(dispatcherPolicy('llama3', [cold, warm], all)).toEqual({ backend: 'warm' });
    expect(dispatcherPolicy('llama3', [cold, { ...warm, inFlight: 4 }], all)).toEqual({ backend: 'cold' });
  });
});
