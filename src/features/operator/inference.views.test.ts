import { describe, expect, it } from 'vitest';
import type { DispatcherStatus } from '../../inference/dispatcher/dispatcher.js';
import { loadWords } from './inference.views.js';

type Row = DispatcherStatus['backends'][number];
const row = (extra: Partial<Row>): Row => ({
  name: 'b', baseUrl: 'http://10.0.0.1', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 4, weight: 1, state: 'closed',
  inFlight: 0, busyUntil: null, signals: null, residentModels: null, lastProbeAt: null, lastError: null, pollError: null, ...extra,
});

describe('operator inference page: the load column per backend kind', () => {
  it('shows counts, a llama.cpp server\'s own slots, an Ollama\'s models in memory, or that nothing is known', () => {
    expect(loadWords(row({ signals: { running: 2, waiting: 1 } }))).toBe('2 running, 1 waiting');
    expect(loadWords(row({ kind: 'llamacpp', signals: { running: 1, waiting: 0, slots: 2 } }))).toBe('1 running, 0 waiting (2 server slots)');
    expect(loadWords(row({ kind: 'ollama', residentModels: ['llama3:latest'] }))).toBe('holds llama3:latest in memory');
    expect(loadWords(row({ kind: 'ollama', residentModels: [] }))).toBe('no model in memory');
    expect(loadWords(row({}))).toBe('no signals');
  });
});
