import { describe, expect, it } from 'vitest';
import {
  llamacppMetrics, llamacppSlots, llamacppSlotsOneFree, ollamaPs, ollamaPsIdle, ollamaPsPartlyOffloaded, vllmMetrics,
} from '../../../test/fixtures/backends/responses.js';
import { residentFromOllama, signalSource, slotsFromLlamacpp, type Answer } from './kinds.js';

const ok = (body: unknown): Answer => ({ status: 200, text: typeof body === 'string' ? body : JSON.stringify(body) });
const notFound: Answer = { status: 404, text: 'Not Found' };
const read = (kind: 'vllm' | 'llamacpp' | 'ollama', answers: Answer[]) => signalSource(kind)!.map(answers);

describe('vLLM: /metrics', () => {
  it('maps running, waiting and KV-cache use', () => {
    expect(signalSource('vllm')!.paths).toEqual(['/metrics']);
    expect(read('vllm', [ok(vllmMetrics)])).toEqual({ ok: true, value: { signals: { running: 4, waiting: 7, kvCacheUsage: 0.42 } } });
  });

  it('reports a missing endpoint', () => {
    expect(read('vllm', [notFound])).toEqual({ ok: false, error: 'GET /metrics answered 404' });
  });
});

describe('llama.cpp: /slots and /metrics', () => {
  it('reads the documented two-slot /slots as two busy of two', () => {
    expect(slotsFromLlamacpp(llamacppSlots)).toEqual({ ok: true, value: { slots: 2, busy: 2 } });
    expect(slotsFromLlamacpp(llamacppSlotsOneFree)).toEqual({ ok: true, value: { slots: 2, busy: 1 } });
  });

  it('refuses a /slots answer of another shape', () => {
    expect(slotsFromLlamacpp({ slots: [] }).ok).toBe(false);
    expect(slotsFromLlamacpp([{ id: 0 }])).toEqual({ ok: false, error: '/slots entry without is_processing' });
  });

  it('takes counts from /metrics and the slot count from /slots when both are on', () => {
    expect(signalSource('llamacpp')!.paths).toEqual(['/slots', '/metrics']);
    expect(read('llamacpp', [ok(llamacppSlotsOneFree), ok(llamacppMetrics)]))
      .toEqual({ ok: true, value: { signals: { running: 2, waiting: 3, slots: 2 } } });
  });

  it('works from /slots alone (metrics are off by default) and from /metrics alone (--no-slots)', () => {
    expect(read('llamacpp', [ok(llamacppSlotsOneFree), notFound])).toEqual({ ok: true, value: { signals: { running: 1, waiting: 0, slots: 2 } } });
    expect(read('llamacpp', [notFound, ok(llamacppMetrics)])).toEqual({ ok: true, value: { signals: { running: 2, waiting: 3 } } });
  });

  it('fails with both reasons when neither answers', () => {
    expect(read('llamacpp', [notFound, { error: 'failed: ECONNREFUSED' }]))
      .toEqual({ ok: false, error: 'GET /slots answered 404; GET /metrics failed: ECONNREFUSED' });
  });
});

describe('Ollama: /api/ps', () => {
  it('maps the documented answer to the models held in memory, and no request counts', () => {
    expect(signalSource('ollama')!.paths).toEqual(['/api/ps']);
    expect(read('ollama', [ok(ollamaPs)])).toEqual({ ok: true, value: { residentModels: ['mistral:latest'] } });
    expect(residentFromOllama(ollamaPsPartlyOffloaded)).toEqual({ ok: true, value: ['gemma3'] });
  });

  it('maps an idle Ollama to no resident model, and refuses another shape', () => {
    expect(read('ollama', [ok(ollamaPsIdle)])).toEqual({ ok: true, value: { residentModels: [] } });
    expect(read('ollama', [ok({ running: [] })])).toEqual({ ok: false, error: '/api/ps has no model list' });
    expect(read('ollama', [ok('not json')])).toEqual({ ok: false, error: '/api/ps has no model list' });
  });
});

describe('kinds without load reports', () => {
  it('polls neither TGI nor plain OpenAI-compatible servers', () => {
    expect(signalSource('tgi')).toBeUndefined();
    expect(signalSource('openai')).toBeUndefined();
  });
});
