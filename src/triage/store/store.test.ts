import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { bodySha256, parseWebhook } from '../ingest/payload.js';
import { testAlert, testBody, testPayload } from '../ingest/ingest.testing.js';
import type { Decision, StoredAlert } from '../types.js';
import type { TriageSchema } from './schema.js';
import { createTriageStore, openTriageStore, type TriageStore } from './store.js';

const crash = { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: 'web-7d9f-abc', severity: 'warning' };

async function save(store: TriageStore, body: Buffer, receivedAt: number) {
  return store.saveDelivery({ body, bodySha256: bodySha256(body), receivedAt, parsed: parseWebhook(body) });
}

function alert(fingerprint: string, over: Partial<StoredAlert> = {}): StoredAlert {
  return {
    fingerprint, alertname: 'KubePodCrashLooping', labels: { ...crash }, annotations: { summary: 'x' }, status: 'firing',
    startsAt: '2026-11-25T10:00:00.123456789Z', endsAt: '0001-01-01T00:00:00Z', firstSeen: 1000, lastSeen: 2000, lastRoute: '', ...over,
  };
}

function decision(id: string, fingerprint: string, at: number, over: Partial<Decision> = {}): Decision {
  return {
    id, deliveryId: '1', fingerprint, alertname: 'KubePodCrashLooping', severity: 'warning', status: 'firing', class: 'routine',
    route: 'record', rule: 'crashloop', reasons: ['matched rule crashloop'], action: null, mode: 'observe', at, ...over,
  };
}

describe.each(engines)('triage store on %s', (engine) => {
  let store: TriageStore;
  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
  });
  afterAll(async () => {
    await store.close();
  });

  it('stores a valid delivery with its parsed fields and returns the Delivery', async () => {
    const body = testBody(testPayload([testAlert(crash), testAlert({ ...crash, pod: 'b' }, { fingerprint: '0000000000000001' })], {
      notification_reason: 'first notification', routeLabels: { team: 'ops' }, truncatedAlerts: 3,
    }));
    const { id, delivery } = await save(store, body, 1_700_000_000_123);
    expect(id).toMatch(/^\d+$/);
    expect(delivery).toMatchObject({ id, receivedAt: 1_700_000_000_123, bodySha256: bodySha256(body), truncatedAlerts: 3, notificationReason: 'first notification' });
    const [row] = await store.listDeliveries({ limit: 1 });
    expect(row).toMatchObject({
      id, valid: true, problems: [], receiver: 'kona-triage', status: 'firing', alertCount: 2, truncatedAlerts: 3, bodyBytes: body.length,
      receivedAt: 1_700_000_000_123, notificationReason: 'first notification',
    });
    expect(row!.fingerprintMismatches).toEqual([expect.objectContaining({ sent: '0000000000000001', alertname: 'KubePodCrashLooping' })]);
  });

  it('keeps an invalid body byte for byte with its problems', async () => {
    const body = Buffer.concat([Buffer.from('{"version":"4",'), Buffer.from([0x00, 0xff, 0xfe]), Buffer.from('}')]);
    const { id, delivery } = await save(store, body, 1_700_000_001_000);
    expect(delivery).toBeUndefined();
    expect(Buffer.compare(Buffer.from((await store.deliveryBody(id))!), body)).toBe(0);
    const [row] = await store.listDeliveries({ valid: false, limit: 1 });
    expect(row).toMatchObject({ id, valid: false, problems: ['body: not valid UTF-8'], status: null, alertCount: 0 });
    expect(await store.deliveryBody('999999999')).toBeUndefined();
    expect(await store.deliveryBody('1; drop table deliveries')).toBeUndefined();
  });

  it('finds the oldest processed delivery with a body hash since a time', async () => {
    const body = testBody(testPayload([testAlert({ ...crash, pod: 'resend' })]));
    const hash = bodySha256(body);
    const first = await save(store, body, 5_000);
    expect(await store.state.deliveryWithHash(hash, 0)).toBeUndefined();
    await store.markProcessed(first.id, 5_010, 1);
    const second = await save(store, body, 6_000);
    expect(await store.state.deliveryWithHash(hash, 5_001)).toBeUndefined();
    await store.markProcessed(second.id, 6_010, 1);
    expect((await store.listDeliveries({ limit: 1 }))[0]).toMatchObject({ id: second.id, processedAt: 6_010, decisionCount: 1 });
    expect(await store.state.deliveryWithHash(hash, 5_000)).toEqual({ id: first.id, receivedAt: 5_000 });
    expect(await store.state.deliveryWithHash(hash, 5_001)).toEqual({ id: second.id, receivedAt: 6_000 });
    expect(await store.state.deliveryWithHash(hash, 6_001)).toBeUndefined();
    const junk = Buffer.from('not json');
    await save(store, junk, 7_000);
    expect((await store.listDeliveries({ limit: 1 }))[0]).toMatchObject({ processedAt: null, decisionCount: null });
    expect(await store.state.deliveryWithHash(bodySha256(junk), 0)).toBeUndefined();
  });

  it('puts, replaces and reads alerts; finds firing siblings by label subset', async () => {
    await store.state.putAlert(alert('a1', { labels: { ...crash, pod: 'web-1', deployment: 'web' } }));
    await store.state.putAlert(alert('a2', { labels: { ...crash, pod: 'web-2', deployment: 'web' }, lastSeen: 3000 }));
    await store.state.putAlert(alert('a3', { labels: { ...crash, pod: 'api-1', deployment: 'api' } }));
    await store.state.putAlert(alert('a4', { labels: { ...crash, pod: 'web-3', deployment: 'web' }, status: 'resolved' }));
    await store.state.putAlert(alert('a1', { labels: { ...crash, pod: 'web-1', deployment: 'web' }, lastRoute: 'notify', lastSeen: 4000 }));
    expect(await store.state.getAlert('a1')).toMatchObject({ lastRoute: 'notify', lastSeen: 4000, firstSeen: 1000, startsAt: '2026-11-25T10:00:00.123456789Z' });
    expect(await store.state.getAlert('nope')).toBeUndefined();
    const siblings = await store.state.firingWith('KubePodCrashLooping', { namespace: 'kona', deployment: 'web' });
    expect(siblings.map((s) => s.fingerprint)).toEqual(['a1', 'a2']);
    expect(await store.state.firingWith('KubePodNotReady', { namespace: 'kona' })).toEqual([]);
    expect((await store.listAlerts({ status: 'resolved' })).map((a) => a.fingerprint)).toEqual(['a4']);
    expect((await store.listAlerts({ limit: 2 })).map((a) => a.fingerprint)).toEqual(['a1', 'a2']);
    expect((await store.listAlerts({ limit: 2, offset: 2 })).map((a) => a.fingerprint)).toEqual(['a3', 'a4']);
  });

  it('counts transitions since a time', async () => {
    for (const [status, at] of [['firing', 100], ['resolved', 200], ['firing', 300]] as const) await store.state.addTransition('t1', status, at);
    await store.state.addTransition('t2', 'firing', 300);
    expect(await store.state.countTransitions('t1', 0)).toBe(3);
    expect(await store.state.countTransitions('t1', 200)).toBe(2);
    expect(await store.state.countTransitions('t1', 301)).toBe(0);
  });

  it('saves decisions and returns the newest, ties by insertion order', async () => {
    await store.state.saveDecision(decision('d1', 'f1', 1000));
    await store.state.saveDecision(decision('d2', 'f1', 2000, { route: 'notify', class: 'unknown', rule: null, action: { name: 'delete-pod', target: { pod: 'p' }, execute: false } }));
    await store.state.saveDecision(decision('d3', 'f1', 2000, { route: 'drop-duplicate' }));
    await store.state.saveDecision(decision('d4', 'f2', 500));
    expect(await store.state.lastDecision('f1')).toMatchObject({ id: 'd3', route: 'drop-duplicate', at: 2000, reasons: ['matched rule crashloop'] });
    expect(await store.state.lastDecision('none')).toBeUndefined();
    const page1 = await store.listDecisions({ limit: 2 });
    expect(page1.map((d) => d.id)).toEqual(['d4', 'd3']);
    const page2 = await store.listDecisions({ limit: 2, before: page1[1]!.seq });
    expect(page2.map((d) => d.id)).toEqual(['d2', 'd1']);
    expect(page2[0]).toMatchObject({ rule: null, action: { name: 'delete-pod', target: { pod: 'p' }, execute: false } });
    await expect(store.state.saveDecision(decision('d1', 'f1', 1))).rejects.toThrow();
    // One fingerprint's history, newest first (an escalation's context).
    expect((await store.decisionsFor('f1')).map((d) => d.id)).toEqual(['d3', 'd2', 'd1']);
    expect((await store.decisionsFor('f1', 1)).map((d) => d.id)).toEqual(['d3']);
    expect(await store.decisionsFor('none')).toEqual([]);
  });

  it('pages deliveries newest first and bounds the limit', async () => {
    const all = await store.listDeliveries({ limit: 10_000 });
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((d) => Number(d.id))).toEqual([...all.map((d) => Number(d.id))].sort((a, b) => b - a));
    const older = await store.listDeliveries({ before: all[1]!.id, limit: 2 });
    expect(older.map((d) => d.id)).toEqual([all[2]!.id, all[3]!.id]);
    expect(await store.listDeliveries({ limit: 0 })).toHaveLength(1);
  });
});

describe('openTriageStore on an embedded directory', () => {
  it('migrates once and keeps data across reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-'));
    try {
      const first = await openTriageStore({ kind: 'embedded', dir });
      const body = testBody(testPayload([testAlert(crash)]));
      const { id } = await save(first, body, 42);
      await first.close();
      const again = await openTriageStore({ kind: 'embedded', dir });
      expect((await again.listDeliveries()).map((d) => d.id)).toEqual([id]);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
