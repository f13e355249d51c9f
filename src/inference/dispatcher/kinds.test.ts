/**
 * Backend kinds through the real HTTP dispatcher: Ollama sims (no /health) are probed on their own
 * endpoints and stay up, and the dispatcher routes to the one that already holds the model in memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chat } from '../simulator/simulator.testing.js';
import { backendsFor, chatVia, finishedCounts, pollSignalsNow, startFleet, statusOf, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('Ollama backends', () => {
  it('report which models they hold, the warm one gets the request, and they pass probes without /health', async () => {
    const f = (fleet = await startFleet({
      count: 2,
      sim: { flavour: 'ollama' },
      config: (sims) => ({
        backends: backendsFor(sims, [{ kind: 'ollama', tier: 'dedicated' }, { kind: 'ollama', tier: 'dedicated' }]),
        probe: { intervalMs: 200, timeoutMs: 150 },
        metricsStaleMs: 1000,
      }),
    }));
    await pollSignalsNow(f.dispatcher);
    const status = await statusOf(f.dispatcher);
    expect(status.backends.map((b) => b.residentModels)).toEqual([[], []]);
    expect(status.backends.map((b) => b.signals)).toEqual([null, null]); // Ollama reports no request counts

    // b1 loads the model (another client used it); b0 would win the tie on its name otherwise.
    expect((await chat(f.sims[1]!, { max_tokens: 2 })).status).toBe(200);
    await pollSignalsNow(f.dispatcher);
    expect((await statusOf(f.dispatcher)).backends.map((b) => b.residentModels)).toEqual([[], ['m:latest']]);
    const res = await chatVia(f.dispatcher);
    expect(res.status).toBe(200);
    await res.text();
    expect(finishedCounts(f.sims)).toEqual([0, 2]);

    // Probes ask /api/version and /api/tags (a /health probe would get 404 and open the breakers).
    await f.dispatcher.dispatcher.health.probeAll();
    await f.dispatcher.dispatcher.health.probeAll();
    expect((await statusOf(f.dispatcher)).backends.map((b) => [b.state, b.lastError])).toEqual([['closed', null], ['closed', null]]);
  });
});
