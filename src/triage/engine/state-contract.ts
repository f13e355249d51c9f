/**
 * The behaviour the engine relies on from a TriageState, as a reusable vitest suite: run it against
 * MemoryState here and against the SQL state in store/ so both behave the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decision, StoredAlert, TriageState } from '../types.js';

/** A state under test, with the way to store a delivery (ingest's job, outside TriageState). */
export interface StateUnderTest {
  state: TriageState;
  /** Stores a (processed) delivery with this hash and time; returns the id it got. */
  addDelivery(delivery: { receivedAt: number; bodySha256: string }): Promise<string>;
  close?(): Promise<void>;
}

const T0 = Date.parse('2026-11-20T08:00:00Z');

const stored = (fingerprint: string, over: Partial<StoredAlert> = {}): StoredAlert => ({
  fingerprint, alertname: 'KubePodCrashLooping', labels: { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: `web-${fingerprint}` },
  annotations: { summary: 'Pod is crash looping.' }, status: 'firing', startsAt: '2026-11-20T07:59:00Z', endsAt: '0001-01-01T00:00:00Z',
  firstSeen: T0, lastSeen: T0, lastRoute: '', ...over,
});

const decision = (id: string, fingerprint: string, at: number, over: Partial<Decision> = {}): Decision => ({
  id, deliveryId: 'del-1', fingerprint, alertname: 'KubePodCrashLooping', severity: 'warning', status: 'firing', class: 'routine',
  route: 'act', rule: 'crashloop', reasons: ['Matched rule crashloop (routine).'], action: { name: 'delete-pod', target: { namespace: 'kona', pod: 'web-a' }, execute: false },
  mode: 'observe', at, ...over,
});

/** Registers the TriageState contract suite for one implementation. */
export function describeTriageStateContract(name: string, make: () => Promise<StateUnderTest>): void {
  describe(`TriageState contract: ${name}`, () => {
    let s: StateUnderTest;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(async () => {
      await s.close?.();
    });

    it('finds the earliest delivery with a body hash at or after `since`', async () => {
      const first = await s.addDelivery({ receivedAt: T0, bodySha256: 'a'.repeat(64) });
      const second = await s.addDelivery({ receivedAt: T0 + 5000, bodySha256: 'a'.repeat(64) });
      await s.addDelivery({ receivedAt: T0 + 6000, bodySha256: 'b'.repeat(64) });
      expect(await s.state.deliveryWithHash('a'.repeat(64), T0)).toEqual({ id: first, receivedAt: T0 });
      expect(await s.state.deliveryWithHash('a'.repeat(64), T0 + 1)).toEqual({ id: second, receivedAt: T0 + 5000 });
      expect(await s.state.deliveryWithHash('a'.repeat(64), T0 + 5001)).toBeUndefined();
      expect(await s.state.deliveryWithHash('c'.repeat(64), 0)).toBeUndefined();
    });

    it('stores and replaces an alert by fingerprint', async () => {
      expect(await s.state.getAlert('0000000000000001')).toBeUndefined();
      await s.state.putAlert(stored('0000000000000001'));
      const next = stored('0000000000000001', { status: 'resolved', endsAt: '2026-11-20T08:30:00Z', lastSeen: T0 + 60_000, lastRoute: 'notify' });
      await s.state.putAlert(next);
      expect(await s.state.getAlert('0000000000000001')).toEqual(next);
    });

    it('counts transitions at or after `since`', async () => {
      await s.state.addTransition('0000000000000001', 'firing', T0);
      await s.state.addTransition('0000000000000001', 'resolved', T0 + 60_000);
      await s.state.addTransition('0000000000000002', 'firing', T0 + 60_000);
      expect(await s.state.countTransitions('0000000000000001', T0)).toBe(2);
      expect(await s.state.countTransitions('0000000000000001', T0 + 60_000)).toBe(1);
      expect(await s.state.countTransitions('0000000000000001', T0 + 60_001)).toBe(0);
    });

    it('lists firing alerts of an alertname whose labels include the given ones', async () => {
      await s.state.putAlert(stored('0000000000000001'));
      await s.state.putAlert(stored('0000000000000002', { labels: { alertname: 'KubePodCrashLooping', namespace: 'other', pod: 'x' } }));
      await s.state.putAlert(stored('0000000000000003', { status: 'resolved' }));
      await s.state.putAlert(stored('0000000000000004', { alertname: 'KubePodNotReady', labels: { alertname: 'KubePodNotReady', namespace: 'kona' } }));
      const got = await s.state.firingWith('KubePodCrashLooping', { namespace: 'kona' });
      expect(got.map((a) => a.fingerprint)).toEqual(['0000000000000001']);
      expect(await s.state.firingWith('KubePodCrashLooping', {})).toHaveLength(2);
      // Every firing alert, whatever its name, oldest first.
      await s.state.putAlert(stored('0000000000000005', { firstSeen: T0 - 60_000 }));
      expect((await s.state.firing()).map((a) => a.fingerprint)).toEqual(['0000000000000005', '0000000000000001', '0000000000000002', '0000000000000004']);
    });

    it('returns the newest decision about a fingerprint, as saved', async () => {
      expect(await s.state.lastDecision('0000000000000001')).toBeUndefined();
      await s.state.saveDecision(decision('d1', '0000000000000001', T0));
      const newest = decision('d2', '0000000000000001', T0 + 1000, { route: 'drop-duplicate', rule: null, action: null, reasons: ['Flapping: still within the episode a human was told about; dropped.'] });
      await s.state.saveDecision(newest);
      await s.state.saveDecision(decision('d3', '0000000000000002', T0 + 2000));
      expect(await s.state.lastDecision('0000000000000001')).toEqual(newest);
    });

    it('keeps recovery watches, oldest first; a replaced watch keeps its start, an ended one is gone', async () => {
      const watch = (fingerprint: string, since: number, pending = false) => ({ fingerprint, labels: { alertname: 'KonaHighErrorRate', deployment: 'web' }, generatorURL: 'http://prometheus:9090/graph?g0.expr=up', since, pending });
      expect(await s.state.watches()).toEqual([]);
      await s.state.putWatch(watch('0000000000000002', T0 + 1000, true));
      await s.state.putWatch(watch('0000000000000001', T0 + 2000));
      await s.state.putWatch(watch('0000000000000002', T0 + 5000, false));
      expect(await s.state.watches()).toEqual([watch('0000000000000002', T0 + 1000, false), watch('0000000000000001', T0 + 2000)]);
      await s.state.endWatch('0000000000000002');
      await s.state.endWatch('0000000000000009');
      expect(await s.state.watches()).toEqual([watch('0000000000000001', T0 + 2000)]);
    });
  });
}
