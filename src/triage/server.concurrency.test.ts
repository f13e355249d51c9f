import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../test/harness/databases.js';
import { ManualClock } from '../platform/clock/clock.testing.js';
import { TriageEngine } from './engine/engine.js';
import { deliveryLockKeys } from './engine/lock-keys.js';
import { testAlert, testBody, testPayload } from './ingest/ingest.testing.js';
import { loadPolicy } from './policy/policy.load.js';
import { buildTriageServer, type DeliveryProcessor, type TriageServer } from './server.js';
import type { TriageSchema } from './store/schema.js';
import { createTriageStore, type TriageStore } from './store/store.js';
import type { Decision } from './types.js';

const policy = loadPolicy(fileURLToPath(new URL('../../deploy/triage-policy.example.yaml', import.meta.url)));
const token = 'concurrency-token';
const nodeDown = { alertname: 'KubeNodeNotReady', node: 'k3s-1', severity: 'warning' };
const traefik = (pod: string) => ({ alertname: 'KubePodCrashLooping', namespace: 'traefik', container: 'traefik', pod, severity: 'warning' });

/** A gate the test opens by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

// Passes over different alerts now run side by side; these hold the dedupe that the one global
// queue used to give for free: N copies of one alert arriving together notify once.
describe.each(engines)('concurrent deliveries through the server on %s', (engine) => {
  let store: TriageStore;
  let server: TriageServer;
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));

  beforeEach(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    // Every pass starts reading only once all ten deliveries are stored: without the locks all ten
    // would read the same empty state, every time, and each notify.
    const allStored = gate();
    let stored = 0;
    const save = store.saveDelivery.bind(store);
    store.saveDelivery = async (input) => {
      const out = await save(input);
      if (++stored === 10) allStored.open();
      return out;
    };
    const state = Object.create(store.state) as typeof store.state;
    state.beginPass = async (scope) => {
      await allStored.opened;
      return store.state.beginPass(scope);
    };
    const triage = new TriageEngine({ policy, state, clock });
    const processor: DeliveryProcessor = { process: (d, now) => triage.process(d, now), lockKeys: deliveryLockKeys, marksProcessed: true };
    server = buildTriageServer({ store, engine: processor, auth: { bearer: token }, logger: pino({ level: 'silent' }), now: () => clock.now(), defaultMetrics: false });
  });
  afterEach(async () => {
    await server.close();
    await store.close();
  });

  const post = (body: Buffer) => server.app.inject({ method: 'POST', url: '/alertmanager', payload: body, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  const humanRoutes = (decisions: Decision[]) => decisions.filter((d) => d.route === 'notify' || d.route === 'diagnose');

  it('ten byte-identical copies of one alert at once: one notification, nine resends', async () => {
    const body = testBody(testPayload([testAlert(nodeDown)]));
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    const decisions = await store.listDecisions({ limit: 50 });
    expect(decisions).toHaveLength(10);
    expect(humanRoutes(decisions)).toHaveLength(1);
    expect(decisions.filter((d) => d.route === 'drop-duplicate' && d.reasons[0]!.startsWith('Byte-identical resend'))).toHaveLength(9);
    expect((await store.listDeliveries({ limit: 50 })).every((d) => d.processedAt !== null && d.decisionCount === 1)).toBe(true);
  });

  it('ten different deliveries of one alert at once (other groups, other peers): one notification', async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => testBody(testPayload([testAlert(nodeDown)], { groupKey: `{}:{node="k3s-1"}/${i}`, receiver: `peer-${i}` })));
    await Promise.all(bodies.map(post));
    const decisions = await store.listDecisions({ limit: 50 });
    expect(decisions).toHaveLength(10);
    expect(humanRoutes(decisions)).toHaveLength(1);
    expect(decisions.filter((d) => d.reasons.includes('Still firing; a human was already told.'))).toHaveLength(9);
    expect(await store.listAlerts()).toHaveLength(1);
  });

  it('ten restarted pods of one owner at once: one notification, the rest its siblings', async () => {
    const pods = ['q2w5z', 'm7kxp', 'b4n8c', 'x9z2k', 'p5d7f', 'h6j8l', 'w2r4t', 'z7x9v', 'c5b7n', 'k8m2q'].map((s) => `traefik-6c9f8b7d4-${s}`);
    await Promise.all(pods.map((pod) => post(testBody(testPayload([testAlert(traefik(pod))])))));
    const decisions = await store.listDecisions({ limit: 50 });
    expect(decisions).toHaveLength(10);
    expect(humanRoutes(decisions)).toHaveLength(1);
    expect(decisions.filter((d) => d.route === 'drop-duplicate' && d.reasons.some((r) => r.includes('restarted sibling')))).toHaveLength(9);
  });
});

describe('the server\'s passes', () => {
  it('run side by side for different alerts and one after another for the same alert', async () => {
    const store = await createTriageStore(await createTestDatabase<TriageSchema>('embedded'));
    const held = gate();
    const slowStarted = gate();
    const log: string[] = [];
    const processor: DeliveryProcessor = {
      lockKeys: deliveryLockKeys,
      async process(delivery) {
        const pod = delivery.alerts[0]!.labels.pod!;
        log.push(`start ${pod}`);
        if (pod === 'slow') {
          slowStarted.open();
          await held.opened;
        }
        log.push(`end ${pod}`);
        return [];
      },
    };
    const server = buildTriageServer({ store, engine: processor, auth: { bearer: token }, logger: pino({ level: 'silent' }), defaultMetrics: false });
    try {
      const post = (pod: string, extra: Record<string, unknown> = {}) => server.app.inject({
        method: 'POST', url: '/alertmanager', payload: testBody(testPayload([testAlert({ alertname: 'X', pod })], extra)),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      const slow = post('slow');
      await slowStarted.opened;
      const again = post('slow', { receiver: 'peer-2' });
      await post('fast');
      // The second copy is stored and waits for the first's keys, while the other alert went through.
      while ((await store.listDeliveries({ limit: 5 })).length < 3) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(log).toEqual(['start slow', 'start fast', 'end fast']);
      held.open();
      await Promise.all([slow, again]);
      expect(log).toEqual(['start slow', 'start fast', 'end fast', 'end slow', 'start slow', 'end slow']);
      // Marked processed by the server, as this processor does not mark.
      expect((await store.listDeliveries({ limit: 3 })).every((d) => d.processedAt !== null)).toBe(true);
    } finally {
      await server.close();
      await store.close();
    }
  });
});
