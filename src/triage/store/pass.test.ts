import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { describeTriageStateContract } from '../engine/state-contract.js';
import { bodySha256, parseWebhook } from '../ingest/payload.js';
import { testAlert, testBody, testPayload } from '../ingest/ingest.testing.js';
import type { Decision, PassScope, StoredAlert } from '../types.js';
import type { TriageSchema } from './schema.js';
import { createTriageStore, type TriageStore } from './store.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const crash = { alertname: 'KubePodCrashLooping', namespace: 'kona', severity: 'warning' };

const alert = (fingerprint: string, over: Partial<StoredAlert> = {}): StoredAlert => ({
  fingerprint, alertname: 'KubePodCrashLooping', labels: { ...crash, pod: `web-7d9f8-${fingerprint}` }, annotations: { summary: 'x' }, status: 'firing',
  startsAt: '2026-11-20T07:59:00.123456789Z', endsAt: '0001-01-01T00:00:00Z', firstSeen: T0, lastSeen: T0, lastRoute: '', ...over,
});

const decision = (id: string, fingerprint: string, at: number, over: Partial<Decision> = {}): Decision => ({
  id, deliveryId: '1', fingerprint, alertname: 'KubePodCrashLooping', severity: 'warning', status: 'firing', class: 'routine', route: 'act',
  rule: 'crashloop', reasons: ['Matched rule crashloop (routine).'], action: { name: 'delete-pod', target: { namespace: 'kona', pod: 'web-a' }, execute: false },
  mode: 'observe', at, ...over,
});

const scope = (over: Partial<PassScope> = {}): PassScope => ({
  deliveryId: 'none', fingerprints: [], siblings: [], transitionsSince: T0, bodySha256: 'f'.repeat(64), resendSince: T0, ...over,
});

// A pass answers every TriageState question as the state itself would, its own writes included.
for (const engine of engines) {
  describeTriageStateContract(`a pass over SqlTriageState on ${engine}`, async () => {
    const store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    const fingerprints = ['0000000000000001', '0000000000000002', '0000000000000003', '0000000000000004', '0000000000000005'];
    const pass = await store.state.beginPass(scope({ fingerprints, siblings: [{ alertname: 'KubePodCrashLooping', labels: { namespace: 'kona' } }] }));
    return {
      state: pass,
      async addDelivery({ receivedAt, bodySha256: hash }) {
        const body = Buffer.from(`{"marker":"${hash}"}`);
        const { id } = await store.saveDelivery({ body, bodySha256: hash, receivedAt, parsed: parseWebhook(body) });
        await store.markProcessed(id, receivedAt, 0);
        return id;
      },
      close: () => store.close(),
    };
  });
}

describe.each(engines)('a triage pass on %s', (engine) => {
  let store: TriageStore;
  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
  });
  afterAll(async () => {
    await store.close();
  });

  it('reads its scope in one go, writes nothing before commit, then everything and the processed mark at once', async () => {
    await store.state.putAlert(alert('p1', { lastRoute: 'notify' }));
    await store.state.addTransition('p1', 'firing', T0 - 120_000);
    await store.state.addTransition('p1', 'firing', T0 + 1_000);
    await store.state.saveDecision(decision('old-1', 'p1', T0 + 1_000, { route: 'notify' }));
    const body = testBody(testPayload([testAlert({ ...crash, pod: 'web-7d9f8-p1' })]));
    const saved = await store.saveDelivery({ body, bodySha256: bodySha256(body), receivedAt: T0 + 5_000, parsed: parseWebhook(body) });

    const pass = await store.state.beginPass(scope({ deliveryId: saved.id, fingerprints: ['p1', 'p2'], bodySha256: bodySha256(body) }));
    expect(await pass.getAlert('p1')).toMatchObject({ lastRoute: 'notify', firstSeen: T0, startsAt: '2026-11-20T07:59:00.123456789Z' });
    expect(await pass.getAlert('p2')).toBeUndefined();
    expect(await pass.countTransitions('p1', T0)).toBe(1);
    expect(await pass.countTransitions('p1', T0 - 600_000)).toBe(2);
    expect(await pass.lastDecision('p1')).toMatchObject({ id: 'old-1', route: 'notify' });
    // Its own delivery is not processed yet, so it is no earlier copy of itself.
    expect(await pass.deliveryWithHash(bodySha256(body), T0)).toBeUndefined();

    await pass.putAlert(alert('p1', { status: 'resolved', lastSeen: T0 + 5_000 }));
    await pass.putAlert(alert('p2'));
    await pass.putAlert(alert('p2', { lastRoute: 'record' }));
    await pass.addTransition('p1', 'resolved', T0 + 5_000);
    await pass.saveDecision(decision('new-1', 'p1', T0 + 5_000, { status: 'resolved', route: 'notify', action: null }));
    await pass.saveDecision(decision('new-2', 'p2', T0 + 5_000, { route: 'record', action: null }));
    expect(await pass.getAlert('p1')).toMatchObject({ status: 'resolved' });
    expect(await pass.countTransitions('p1', T0)).toBe(2);
    expect(await pass.lastDecision('p1')).toMatchObject({ id: 'new-1' });
    expect(await store.state.getAlert('p2')).toBeUndefined();
    expect(await store.state.lastDecision('p1')).toMatchObject({ id: 'old-1' });

    await pass.commit(T0 + 6_000);
    expect(await store.state.getAlert('p1')).toMatchObject({ status: 'resolved', lastSeen: T0 + 5_000 });
    expect(await store.state.getAlert('p2')).toMatchObject({ lastRoute: 'record' });
    expect(await store.state.countTransitions('p1', T0)).toBe(2);
    expect(await store.state.lastDecision('p1')).toEqual(decision('new-1', 'p1', T0 + 5_000, { status: 'resolved', route: 'notify', action: null }));
    expect((await store.listDecisions({ limit: 2 })).map((d) => d.id)).toEqual(['new-2', 'new-1']);
    expect((await store.listDeliveries({ limit: 1 }))[0]).toMatchObject({ id: saved.id, processedAt: T0 + 6_000, decisionCount: 2 });
    expect(await store.state.deliveryWithHash(bodySha256(body), T0)).toEqual({ id: saved.id, receivedAt: T0 + 5_000 });
    await expect(pass.commit(T0 + 7_000)).rejects.toThrow('already committed');
  });

  it('answers a restarted pod\'s sibling query from the prefetch, with its own writes laid over', async () => {
    const shared = { ...crash, namespace: 'sib' };
    await store.state.putAlert(alert('s1', { labels: { ...shared, pod: 'api-5c8d9-aaaaa' }, lastRoute: 'notify', lastSeen: T0 + 1 }));
    await store.state.putAlert(alert('s2', { labels: { ...shared, pod: 'api-5c8d9-bbbbb' }, lastSeen: T0 + 2 }));
    await store.state.putAlert(alert('s3', { labels: { ...shared, pod: 'api-5c8d9-ccccc' }, status: 'resolved' }));
    await store.state.putAlert(alert('s4', { labels: { ...shared, pod: 'api-5c8d9-ddddd', node: 'n2' } }));
    const pass = await store.state.beginPass(scope({ fingerprints: ['s5'], siblings: [{ alertname: 'KubePodCrashLooping', labels: shared }] }));
    expect((await pass.firingWith('KubePodCrashLooping', shared)).map((a) => a.fingerprint)).toEqual(['s2', 's1', 's4']);
    await pass.putAlert(alert('s2', { labels: { ...shared, pod: 'api-5c8d9-bbbbb' }, status: 'resolved' }));
    await pass.putAlert(alert('s5', { labels: { ...shared, pod: 'api-5c8d9-eeeee' }, lastSeen: T0 + 9 }));
    expect((await pass.firingWith('KubePodCrashLooping', shared)).map((a) => a.fingerprint)).toEqual(['s5', 's1', 's4']);
    // Outside the prefetched queries it asks the database, with the same overlay.
    expect((await pass.firingWith('KubePodCrashLooping', { ...shared, node: 'n2' })).map((a) => a.fingerprint)).toEqual(['s4']);
  });

  it('writes nothing when its one statement fails', async () => {
    const pass = await store.state.beginPass(scope({ fingerprints: ['f1'] }));
    await pass.putAlert(alert('f1'));
    await pass.addTransition('f1', 'firing', T0);
    await pass.saveDecision(decision('dup-id', 'f1', T0));
    await pass.saveDecision(decision('dup-id', 'f1', T0));
    await expect(pass.commit(T0)).rejects.toThrow();
    expect(await store.state.getAlert('f1')).toBeUndefined();
    expect(await store.state.countTransitions('f1', 0)).toBe(0);
  });
});
