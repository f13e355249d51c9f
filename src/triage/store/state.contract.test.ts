import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Trend } from '../context/trend.js';
import { TriageEngine } from '../engine/engine.js';
import { describeTriageStateContract } from '../engine/state-contract.js';
import { corpusFile, corpusRecovery, loadCorpus, loadTrends } from '../engine/engine.testing.js';
import { bodySha256, parseWebhook } from '../ingest/payload.js';
import { loadPolicy } from '../policy/policy.load.js';
import type { TriageSchema } from './schema.js';
import { createTriageStore } from './store.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

// The SQL state behaves as the engine expects, on both engines: the same contract MemoryState passes.
for (const engine of engines) {
  describeTriageStateContract(`SqlTriageState on ${engine}`, async () => {
    const store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    return {
      state: store.state,
      async addDelivery({ receivedAt, bodySha256: hash }) {
        // A stored, processed delivery with a chosen hash: what a resend is compared against.
        const body = Buffer.from(`{"marker":"${hash}"}`);
        const { id } = await store.saveDelivery({ body, bodySha256: hash, receivedAt, parsed: parseWebhook(body) });
        await store.markProcessed(id, receivedAt, 0);
        return id;
      },
      close: () => store.close(),
    };
  });
}

describe.each(engines)('the corpus through the engine over the SQL state on %s', (engine) => {
  it('decides every alert as the corpus expects, with deliveries stored and marked as the server does', async () => {
    const corpus = loadCorpus();
    const base = Date.parse(corpus.baseTime);
    const store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    try {
      const policy = loadPolicy(fileURLToPath(new URL(`../../../${corpus.policy}`, import.meta.url)));
      const clock = new ManualClock(base);
      // The restart budget counts over the SQL state; trends.json stands in for Prometheus.
      const triage = new TriageEngine({ policy, state: store.state, clock, recovery: corpusRecovery(loadTrends(), base, clock) });
      const routes: string[] = [];
      const expected: string[] = [];
      for (const d of corpus.deliveries) {
        const at = base + d.atSeconds * 1000;
        clock.set(at);
        const body = corpusFile(d.file);
        const saved = await store.saveDelivery({ body, bodySha256: bodySha256(body), receivedAt: at, parsed: parseWebhook(body) });
        expect(saved.delivery, d.file).toBeDefined();
        const decisions = await triage.process(saved.delivery!);
        await store.markProcessed(saved.id, at, decisions.length);
        for (const dec of decisions) routes.push(`${d.file} ${dec.alertname} ${dec.route}`);
        for (const e of d.expect) expected.push(`${d.file} ${e.alertname} ${e.route}`);
      }
      expect(routes).toEqual(expected);
      expect((await store.listDecisions({ limit: 500 })).length).toBe(routes.length);
    } finally {
      await store.close();
    }
  });
});

describe.each(engines)('the recovery watch over the SQL state on %s', (engine) => {
  it('a watch registered inside a delivery\'s pass is the one the sweep reads', async () => {
    const corpus = loadCorpus();
    const base = Date.parse(corpus.baseTime);
    const store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    try {
      const policy = loadPolicy(fileURLToPath(new URL(`../../../${corpus.policy}`, import.meta.url)));
      const clock = new ManualClock(base);
      let trend: Trend = { state: 'improving', detail: 'falling' };
      const checked: string[] = [];
      const triage = new TriageEngine({ policy, state: store.state, clock, recovery: async (a) => (checked.push(a.generatorURL), trend) });
      const body = corpusFile('38-error-rate-web-recovering.json');
      const saved = await store.saveDelivery({ body, bodySha256: bodySha256(body), receivedAt: base, parsed: parseWebhook(body) });
      expect((await triage.process(saved.delivery!))[0]).toMatchObject({ route: 'record' });
      trend = { state: 'not-improving', detail: 'flat at 0.12' };
      const [acted] = await triage.watchRecovering(base + 60_000);
      expect(acted).toMatchObject({ route: 'act', deliveryId: 'watch' });
      // The sweep asked Prometheus with the alert's own expression (not "the watch did not survive").
      expect(acted!.reasons.at(-1)).toBe('Stopped improving while watched: flat at 0.12.');
      expect(checked).toHaveLength(2);
      expect(checked[1]).toBe(checked[0]);
    } finally {
      await store.close();
    }
  });
});
