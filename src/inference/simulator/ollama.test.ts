import { afterEach, describe, expect, it } from 'vitest';
import { ollamaPs, ollamaTags } from '../../../test/fixtures/backends/responses.js';
import { checkOllamaTags, checkOllamaVersion } from '../health/kinds.js';
import { residentFromOllama } from '../signals/kinds.js';
import { startSimBackend, type RunningSimBackend } from './server.js';
import { chat } from './simulator.testing.js';

let sim: RunningSimBackend | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const get = async (path: string) => {
  const res = await fetch(`${sim!.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const keysOf = (o: unknown) => Object.keys(o as object).sort();

describe('simulated Ollama (--flavour ollama)', () => {
  it("answers /api/version, /api/tags and /api/ps with the documented answers' fields, and no /health", async () => {
    sim = await startSimBackend({ flavour: 'ollama', modelName: 'm', timing: { slots: 1, baseStepMs: 1, alpha: 0, prefillMsPerToken: 0, kvTokenBudget: 1000 } });
    const version = await get('/api/version');
    expect(checkOllamaVersion(version.status, version.body)).toBeUndefined();
    const tags = await get('/api/tags');
    expect(checkOllamaTags(tags.status, tags.body, ['m'])).toBeUndefined();
    expect(keysOf((tags.body.models as unknown[])[0])).toEqual(expect.arrayContaining(keysOf(ollamaTags.models[0])));
    expect(residentFromOllama((await get('/api/ps')).body)).toEqual({ ok: true, value: [] });
    expect((await chat(sim, { max_tokens: 2 })).status).toBe(200);
    const ps = await get('/api/ps');
    expect(residentFromOllama(ps.body)).toEqual({ ok: true, value: ['m:latest'] });
    expect(keysOf((ps.body.models as unknown[])[0])).toEqual(expect.arrayContaining(keysOf(ollamaPs.models[0])));
    expect((await fetch(`${sim.url}/health`)).status).toBe(404);
  });
});
