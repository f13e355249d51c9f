import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { llamacppHealthLoading, ollamaTags, ollamaVersion } from '../../../test/fixtures/backends/responses.js';
import { buildSimBackend, startSimBackend, type RunningSimBackend } from '../simulator/server.js';
import { checkOllamaTags, checkOllamaVersion, checkOpenAiModels, kindProbeSteps, sameModel } from './kinds.js';
import { probeBackend } from './probe.js';

const fast = { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 1000 };
let sims: RunningSimBackend[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

/** A clock that never moves: no probe step can time out on a loaded machine. */
const opts = (canary: boolean) => ({ timeoutMs: 1000, canary, clock: new ManualClock() });

describe('per-kind probe checks on documented answers', () => {
  it('accepts Ollama /api/version and refuses an answer without a version', () => {
    expect(checkOllamaVersion(200, ollamaVersion)).toBeUndefined();
    expect(checkOllamaVersion(200, {})).toBe('no version in the answer');
    expect(checkOllamaVersion(500, ollamaVersion)).toBe('HTTP 500');
  });

  it('finds configured models in Ollama /api/tags, with and without the implicit :latest tag', () => {
    expect(checkOllamaTags(200, ollamaTags, ['llama3', 'codellama:13b'])).toBeUndefined();
    expect(checkOllamaTags(200, ollamaTags, ['llama3:latest'])).toBeUndefined();
    expect(checkOllamaTags(200, ollamaTags, ['codellama'])).toBe('configured model not listed'); // only :13b is there
    expect(checkOllamaTags(200, { models: 'x' }, ['llama3'])).toBe('malformed model list');
  });

  it('matches model names as Ollama tags them', () => {
    expect(sameModel('llama3', 'llama3:latest')).toBe(true);
    expect(sameModel('llama3:8b', 'llama3:latest')).toBe(false);
  });

  it('reads an OpenAI /v1/models list', () => {
    expect(checkOpenAiModels(200, { data: [{ id: 'a' }, { id: 'b' }] }, ['b'])).toBeUndefined();
    expect(checkOpenAiModels(200, { data: [{ id: 'a' }] }, ['b'])).toBe('configured model not listed');
  });

  it('asks each kind its own endpoints', () => {
    const names = (kind?: 'vllm' | 'llamacpp' | 'ollama' | 'tgi' | 'openai') => kindProbeSteps({ baseUrl: 'http://x', models: ['m'], kind }).map(([n]) => n);
    expect(names('ollama')).toEqual(['version', 'models']);
    expect(names('openai')).toEqual(['models']);
    expect(names('llamacpp')).toEqual(['health', 'models']);
    expect(names(undefined)).toEqual(['health', 'models']);
  });

  it("fails llama.cpp's documented 503 while the model loads", async () => {
    const server = buildSimBackend({ flavour: 'llamacpp', modelName: 'm', timing: fast });
    server.app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/health') return reply.code(503).send(llamacppHealthLoading);
    });
    const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
    sims.push({ ...server, url, close: () => server.app.close() });
    expect(await probeBackend({ name: 'cpp', baseUrl: url, models: ['m'], kind: 'llamacpp' }, opts(false)))
      .toEqual({ ok: false, reason: 'health: HTTP 503' });
  });
});

describe('probing a simulated Ollama', () => {
  it('passes on /api/version and /api/tags (and the canary), where a /health probe would fail', async () => {
    const ollama = await startSimBackend({ flavour: 'ollama', modelName: 'llama3', timing: fast });
    sims.push(ollama);
    expect((await fetch(`${ollama.url}/health`)).status).toBe(404);
    expect(await probeBackend({ name: 'ol', baseUrl: ollama.url, models: ['llama3'], kind: 'ollama' }, opts(true))).toEqual({ ok: true });
    expect(await probeBackend({ name: 'ol', baseUrl: ollama.url, models: ['llama3'], kind: 'vllm' }, opts(false)))
      .toEqual({ ok: false, reason: 'health: HTTP 404' });
    expect(await probeBackend({ name: 'ol', baseUrl: ollama.url, models: ['mistral'], kind: 'ollama' }, opts(false)))
      .toEqual({ ok: false, reason: 'models: configured model not listed' });
  });
});
