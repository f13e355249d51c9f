import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { Trend } from '../context/trend.js';
import { parsePolicy } from '../policy/policy.load.js';
import type { Delivery, IncomingAlert } from '../types.js';
import { TriageEngine } from './engine.js';
import { labelFingerprint } from './engine.testing.js';
import { MemoryState } from './memory-state.js';
import type { WatchedAlert } from './routine.js';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const min = 60_000;

const policy = (mode = 'observe') => parsePolicy(`
mode: ${mode}
rules:
  - name: crashloop
    match: { alertname: KubePodCrashLooping }
    class: routine
    action: { name: delete-pod, enabled: true, budget: { restarts: 2, windowMinutes: 60 }, watchRecovery: false }
  - name: errors
    match: { alertname: KonaHighErrorRate }
    class: routine
    action: { name: restart-deployment, enabled: true }
`, 'policy.yaml');

const crash = (pod: string, status: 'firing' | 'resolved' = 'firing') => alert({ alertname: 'KubePodCrashLooping', namespace: 'kona', pod, severity: 'warning' }, status);
const errors = (deployment: string, status: 'firing' | 'resolved' = 'firing') =>
  alert({ alertname: 'KonaHighErrorRate', namespace: 'kona', deployment, severity: 'warning' }, status, 'http://prometheus:9090/graph?g0.expr=' + encodeURIComponent('sum(rate(errors[5m])) > 0.05'));

function alert(labels: Record<string, string>, status: 'firing' | 'resolved', generatorURL = 'http://prometheus:9090/graph'): IncomingAlert {
  return { status, labels, annotations: {}, startsAt: '2026-12-01T07:59:00Z', endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-12-01T09:00:00Z', generatorURL, fingerprint: labelFingerprint(labels) };
}

/** An engine on a virtual clock; `trend` is what the recovery check answers. */
function world(opts: { trend?: (a: WatchedAlert) => Trend; mode?: string } = {}) {
  const clock = new ManualClock(T0);
  const state = new MemoryState();
  const checked: WatchedAlert[] = [];
  let n = 0;
  const engine = new TriageEngine({
    policy: policy(opts.mode), state, clock, newId: () => `d${++n}`,
    ...(opts.trend ? { recovery: async (a: WatchedAlert) => (checked.push(a), opts.trend!(a)) } : {}),
  });
  let seq = 0;
  const send = async (atMinutes: number, ...alerts: IncomingAlert[]) => {
    clock.set(T0 + atMinutes * min);
    const body = JSON.stringify({ seq: ++seq, alerts });
    const delivery: Delivery = {
      id: `del-${seq}`, receivedAt: clock.now(), bodySha256: createHash('sha256').update(body).digest('hex'), receiver: 'triage', groupKey: 'g',
      status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', truncatedAlerts: 0, groupLabels: {}, commonLabels: {}, externalURL: '', alerts,
    };
    state.recordDelivery(delivery);
    return engine.process(delivery);
  };
  return { clock, state, engine, send, checked };
}

describe('restart budget per target', () => {
  it('plans at most `restarts` actions per owner within the window, then notifies; the window frees it again', async () => {
    const w = world();
    const routes: string[] = [];
    for (const [i, pod] of ['web-7d9f8b6c5-x2kqp', 'web-7d9f8b6c5-h8vzt', 'web-7d9f8b6c5-m4p6q'].entries()) {
      routes.push((await w.send(i * 20, crash(pod)))[0]!.route);
      await w.send(i * 20 + 10, crash(pod, 'resolved'));
    }
    expect(routes).toEqual(['act', 'act', 'notify']);
    const told = w.state.decisions().find((d) => d.route === 'notify' && d.status === 'firing')!;
    expect(told.reasons.at(-1)).toMatch(/^Restart budget: 2 actions were already planned for kona\/web within 60 minutes \(at most 2\)/);
    expect(told.action).toMatchObject({ name: 'delete-pod', execute: false });
    // Another owner has its own budget.
    expect((await w.send(45, crash('api-6f7d8c9b5-z9x2c')))[0]!.route).toBe('act');
    // 61 minutes after the first: one planned action has left the window.
    expect((await w.send(61, crash('web-7d9f8b6c5-q8r2s')))[0]!.route).toBe('act');
  });
});

describe('recovery seen in the metrics before any action', () => {
  it('records and watches an improving alert, and acts once it stops improving', async () => {
    let trend: Trend = { state: 'improving', detail: 'the value fell back steadily from 0.4 at worst to 0.1 now (threshold > 0.05)' };
    const w = world({ trend: () => trend });
    const [first] = await w.send(0, errors('web'));
    expect(first).toMatchObject({ route: 'record', action: null });
    expect(first!.reasons.at(-1)).toBe('Recovering: the value fell back steadily from 0.4 at worst to 0.1 now (threshold > 0.05); watching, and acting only if it stops improving.');
    // The check got the alert's expression link and labels.
    expect(w.checked[0]).toMatchObject({ labels: errors('web').labels, generatorURL: errors('web').generatorURL });
    w.clock.set(T0 + 1 * min);
    expect(await w.engine.watchRecovering()).toEqual([]);
    trend = { state: 'not-improving', detail: 'the value is not coming back steadily: from 0.4 at worst to 0.2 now (threshold > 0.05)' };
    w.clock.set(T0 + 2 * min);
    const [acted] = await w.engine.watchRecovering();
    expect(acted).toMatchObject({ route: 'act', deliveryId: 'watch', rule: 'errors', action: { name: 'restart-deployment', target: { namespace: 'kona', deployment: 'web' }, execute: false } });
    expect(acted!.reasons.at(-1)).toMatch(/^Stopped improving while watched: the value is not coming back steadily/);
    // Acted on: not watched again, and a repeat of the firing is a duplicate.
    expect(await w.engine.watchRecovering()).toEqual([]);
    expect((await w.send(3, errors('web')))[0]!.route).toBe('drop-duplicate');
  });

  it('stops watching an alert that resolves on its own: nothing is done, nobody paged', async () => {
    const w = world({ trend: () => ({ state: 'improving', detail: 'falling' }) });
    await w.send(0, errors('web'));
    const [resolved] = await w.send(5, errors('web', 'resolved'));
    expect(resolved).toMatchObject({ route: 'record', status: 'resolved' });
    w.clock.set(T0 + 6 * min);
    expect(await w.engine.watchRecovering()).toEqual([]);
    expect(w.state.decisions().filter((d) => d.route === 'act' || d.route === 'notify')).toEqual([]);
  });

  it('never holds an action back when the metrics cannot tell, and says so', async () => {
    const w = world({ trend: () => ({ state: 'unknown', detail: 'Prometheus: gave up after 5 s' }) });
    const [d] = await w.send(0, errors('web'));
    expect(d?.route).toBe('act');
    expect(d?.reasons.at(-1)).toBe('Recovery could not be judged (Prometheus: gave up after 5 s); acting as the rule says.');
  });

  it('a watch survives a restart of triage: the new engine reads the kept expression and acts only once it stalls', async () => {
    const w = world({ trend: () => ({ state: 'improving', detail: 'falling' }) });
    await w.send(0, errors('web'));
    expect(await w.state.watches()).toEqual([{ fingerprint: errors('web').fingerprint, labels: errors('web').labels, generatorURL: errors('web').generatorURL, since: T0, pending: false }]);
    let trend: Trend = { state: 'improving', detail: 'falling' };
    const checked: WatchedAlert[] = [];
    const restarted = new TriageEngine({ policy: policy(), state: w.state, clock: w.clock, recovery: async (a) => (checked.push(a), trend) });
    expect(await restarted.watchRecovering(T0 + min)).toEqual([]);
    expect(checked[0]).toMatchObject({ labels: errors('web').labels, generatorURL: errors('web').generatorURL });
    trend = { state: 'not-improving', detail: 'flat' };
    const [d] = await restarted.watchRecovering(T0 + 2 * min);
    expect(d).toMatchObject({ route: 'act', action: { name: 'restart-deployment' } });
    expect(d!.reasons.at(-1)).toBe('Stopped improving while watched: flat.');
    expect(await w.state.watches()).toEqual([]);
  });

  it('a hold with no watch row (kept in memory by an earlier triage) goes ahead at the next sweep rather than stay held', async () => {
    const w = world({ trend: () => ({ state: 'improving', detail: 'falling' }) });
    await w.send(0, errors('web'));
    await w.state.endWatch(errors('web').fingerprint);
    const [d] = await w.engine.watchRecovering(T0 + min);
    expect(d).toMatchObject({ route: 'act', action: { name: 'restart-deployment' } });
    expect(d!.reasons.at(-1)).toBe('Stopped improving while watched: its watch was not kept (held by an earlier triage).');
  });

  it('does not consult the metrics for a rule with watchRecovery: false', async () => {
    const w = world({ trend: () => ({ state: 'improving', detail: 'falling' }) });
    expect((await w.send(0, crash('web-7d9f8b6c5-x2kqp')))[0]!.route).toBe('act');
    expect(w.checked).toEqual([]);
  });
});

describe('the recovery check does not hold up the webhook', () => {
  /** A Prometheus that answers only when told to (a hung one until then). */
  function hung() {
    const calls: Array<(t: Trend) => void> = [];
    return { calls, check: (): Promise<Trend> => new Promise((resolve) => calls.push(resolve)) };
  }

  it('waits at most the delivery\'s wait for all its checks together, holds them as pending, and settles each once it answers', async () => {
    const prometheus = hung();
    const w = world({ trend: undefined });
    const engine = new TriageEngine({ policy: policy(), state: w.state, clock: w.clock, newId: () => `p${Math.random()}`, recovery: prometheus.check, recoveryWaitMs: 200 });
    const delivery = (alerts: IncomingAlert[], id: string): Delivery => ({
      id, receivedAt: w.clock.now(), bodySha256: createHash('sha256').update(id).digest('hex'), receiver: 'triage', groupKey: 'g',
      status: 'firing', truncatedAlerts: 0, groupLabels: {}, commonLabels: {}, externalURL: '', alerts,
    });
    let done = false;
    const deciding = engine.process(delivery([errors('web'), errors('api'), errors('worker')], 'del-1')).then((d) => ((done = true), d));
    await vi.waitFor(() => expect(prometheus.calls).toHaveLength(1));
    w.clock.advance(199);
    await Promise.resolve();
    expect(done).toBe(false);
    // One wait for the delivery, not one per alert: the later checks find it spent.
    w.clock.advance(1);
    const decisions = await deciding;
    expect(prometheus.calls).toHaveLength(3);
    expect(decisions.map((d) => d.route)).toEqual(['record', 'record', 'record']);
    expect(decisions[0]!.reasons.at(-1)).toBe('Recovery check pending: Prometheus had not answered within 200 ms; the action is held until it does.');
    expect((await w.state.watches()).map((x) => x.pending)).toEqual([true, true, true]);
    // The sweep leaves checks still out to their own settlement.
    expect(await engine.watchRecovering()).toEqual([]);
    expect(prometheus.calls).toHaveLength(3);

    prometheus.calls[0]!({ state: 'improving', detail: 'falling' });
    prometheus.calls[1]!({ state: 'not-improving', detail: 'flat at 0.3' });
    prometheus.calls[2]!({ state: 'unknown', detail: 'gave up after 5 s' });
    const [web] = await engine.settlePending(errors('web').fingerprint);
    expect(web).toMatchObject({ route: 'record', deliveryId: 'watch' });
    expect(web!.reasons.at(-1)).toMatch(/^Recovering: falling; watching/);
    const [api] = await engine.settlePending(errors('api').fingerprint);
    expect(api).toMatchObject({ route: 'act', deliveryId: 'watch', action: { name: 'restart-deployment', target: { deployment: 'api' } } });
    expect(api!.reasons.at(-1)).toBe('Not recovering on its own: flat at 0.3.');
    const [worker] = await engine.settlePending(errors('worker').fingerprint);
    expect(worker).toMatchObject({ route: 'act' });
    expect(worker!.reasons.at(-1)).toBe('Recovery could not be judged (gave up after 5 s); acting as the rule says.');
    expect(await w.state.watches()).toMatchObject([{ fingerprint: errors('web').fingerprint, pending: false }]);
    expect(await engine.settlePending(errors('api').fingerprint)).toEqual([]);
  });

  it('a check that answers within the wait decides at once, as before', async () => {
    const w = world({ trend: () => ({ state: 'not-improving', detail: 'flat' }) });
    const [d] = await w.send(0, errors('web'));
    expect(d).toMatchObject({ route: 'act' });
    expect(d!.reasons.at(-1)).toBe('Not recovering on its own: flat.');
    expect(await w.state.watches()).toEqual([]);
  });
});
