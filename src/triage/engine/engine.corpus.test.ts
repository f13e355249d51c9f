import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/policy.load.js';
import type { Decision } from '../types.js';
import { TriageEngine } from './engine.js';
import { HeartbeatWatch, type HeartbeatEvent } from './heartbeat.js';
import { MemoryState } from './memory-state.js';
import { corpusFile, corpusRecovery, deliveryFromBody, labelFingerprint, loadCorpus, loadTrends, type CorpusManifest } from './engine.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const corpus: CorpusManifest = loadCorpus();
const trends = loadTrends();
const base = Date.parse(corpus.baseTime);
const human = (route: string) => route === 'notify' || route === 'diagnose';

interface Replay {
  decisions: Decision[][];
  /** Decisions of the watch sweep (run every minute), with the corpus second they were made. */
  watched: Array<{ atSeconds: number; decision: Decision }>;
  heartbeatEvents: Array<{ at: number; event: HeartbeatEvent }>;
}

/** Replays the corpus in order on a virtual clock, ticking the heartbeat watch every minute. */
async function replay(): Promise<Replay> {
  const policy = loadPolicy(fileURLToPath(new URL(`../../../${corpus.policy}`, import.meta.url)));
  const clock = new ManualClock(base);
  const state = new MemoryState();
  const heartbeat = new HeartbeatWatch({ ...policy.heartbeat, clock });
  let n = 0;
  // Prometheus as trends.json has it, judged by the real code: the rule's threshold from the alert's generatorURL.
  const recovery = corpusRecovery(trends, base, clock);
  const engine = new TriageEngine({ policy, state, clock, heartbeat, recovery, newId: () => `dec-${++n}` });
  const out: Replay = { decisions: [], watched: [], heartbeatEvents: [] };
  const tickUntil = async (t: number) => {
    while (clock.now() + 60_000 <= t) {
      clock.advance(60_000);
      const event = heartbeat.tick();
      if (event) out.heartbeatEvents.push({ at: clock.now(), event });
      for (const decision of await engine.watchRecovering()) out.watched.push({ atSeconds: (clock.now() - base) / 1000, decision });
    }
    clock.set(t);
  };
  for (const [i, d] of corpus.deliveries.entries()) {
    const at = base + d.atSeconds * 1000;
    await tickUntil(at);
    const delivery = deliveryFromBody(`del-${i + 1}`, corpusFile(d.file), at);
    state.recordDelivery(delivery);
    out.decisions.push(await engine.process(delivery));
    const event = heartbeat.tick();
    if (event) out.heartbeatEvents.push({ at, event });
  }
  await tickUntil(base + (corpus.deliveries.at(-1)?.atSeconds ?? 0) * 1000 + 3_600_000);
  return out;
}

describe('the Alertmanager corpus through the engine (example policy, observe mode)', () => {
  let result: Replay;
  beforeAll(async () => {
    result = await replay();
  });

  it('has golden fingerprints: every alert\'s matches its labels (prometheus/common labelSetToFingerprint)', () => {
    for (const d of corpus.deliveries) {
      const body = JSON.parse(corpusFile(d.file).toString()) as { alerts: Array<{ labels: Record<string, string>; fingerprint: string }> };
      for (const a of body.alerts) expect(`${d.file} ${labelFingerprint(a.labels)}`).toBe(`${d.file} ${a.fingerprint}`);
    }
    // Golden values from prometheus/common model/signature_test.go (labelSetToFingerprint), in decimal there.
    const hex = (n: bigint) => n.toString(16).padStart(16, '0');
    expect(labelFingerprint({})).toBe(hex(14695981039346656037n));
    expect(labelFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(hex(5799056148416392346n));
    expect(labelFingerprint({ 'first-label': 'first-label-value', 'second-label': 'second-label-value' })).toBe(hex(3195800080984914717n));
    expect(labelFingerprint({ 'first-label': 'first-label-value', 'second-label': 'second-label-value', 'third-label': 'third-label-value' })).toBe(hex(13843036195897128121n));
  });

  it('decides every alert with the expected class and route', () => {
    const got = result.decisions.map((ds, i) => ds.map((x) => `${corpus.deliveries[i]?.file} ${x.alertname} ${x.class}/${x.route}`));
    const want = corpus.deliveries.map((d) => d.expect.map((e) => `${d.file} ${e.alertname} ${e.class}/${e.route}`));
    expect(got).toEqual(want);
    for (const [i, ds] of result.decisions.entries()) {
      for (const [j, x] of ds.entries()) {
        const e = corpus.deliveries[i]?.expect[j];
        if (e?.fingerprint) expect(x.fingerprint).toBe(e.fingerprint);
        expect(x.status).toBe(e?.status);
      }
    }
  });

  it('never suppresses the first firing of a serious or unknown alert (a restarted pod of a notified owner aside)', () => {
    const podOf = new Map<string, string>();
    for (const d of corpus.deliveries) {
      const body = JSON.parse(corpusFile(d.file).toString()) as { alerts: Array<{ labels: Record<string, string>; fingerprint: string }> };
      for (const a of body.alerts) if (a.labels.pod) podOf.set(a.fingerprint, a.labels.pod);
    }
    const all = result.decisions.flat();
    const seen = new Set<string>();
    let checked = 0;
    for (const d of all) {
      if (d.status !== 'firing' || seen.has(d.fingerprint)) continue;
      seen.add(d.fingerprint);
      if (d.class === 'routine') continue;
      checked++;
      expect(d.route, `${d.alertname} ${d.fingerprint}`).not.toBe('record');
      if (d.route !== 'drop-duplicate') continue;
      // Only a renamed pod whose sibling a human was already told about; the sibling's decision proves it.
      const siblingPod = /restarted sibling of pod (\S+) \(owner [^)]+\), already notified\.$/.exec(d.reasons.at(-1) ?? '')?.[1];
      expect(siblingPod, `${d.alertname} ${d.fingerprint}: ${d.reasons.join(' ')}`).toBeDefined();
      const told = all.find((x) => x.at <= d.at && human(x.route) && x.status === 'firing' && x.alertname === d.alertname && podOf.get(x.fingerprint) === siblingPod);
      expect(told, `a notified sibling ${siblingPod}`).toBeDefined();
    }
    expect(checked).toBe(11);
  });

  it('reduces noise: fewer notifications than raw Alertmanager, with the counts the manifest states', () => {
    const all = result.decisions.flat();
    const notified = all.filter((d) => human(d.route)).length;
    expect(notified).toBe(corpus.summary.triageNotifications);
    expect(corpus.deliveries).toHaveLength(corpus.summary.deliveries);
    expect(all.filter((d) => d.alertname !== 'TriageTruncatedGroup')).toHaveLength(corpus.summary.alerts);
    expect(notified).toBeLessThan(corpus.summary.rawNotificationsOnePerDelivery);
  });

  it('acts on nothing in observe mode, and plans delete-pod only for the kona crash loops, within the restart budget', () => {
    const acts = result.decisions.flat().filter((d) => d.action !== null);
    expect(acts.map((d) => [d.alertname, d.route, d.action?.name, d.action?.target, d.action?.execute])).toEqual([
      ['KubePodCrashLooping', 'act', 'delete-pod', { namespace: 'kona', pod: 'web-7d9f8b6c5-x2kqp' }, false],
      ['KubePodCrashLooping', 'act', 'delete-pod', { namespace: 'kona', pod: 'mailer-5c6d7f8b9-k2v4n' }, false],
      ['KubePodCrashLooping', 'act', 'delete-pod', { namespace: 'kona', pod: 'mailer-5c6d7f8b9-p6r8s' }, false],
      // The third mailer pod within the hour: the budget (2 per 60 minutes for the owner) is spent.
      ['KubePodCrashLooping', 'notify', 'delete-pod', { namespace: 'kona', pod: 'mailer-5c6d7f8b9-t2w4x' }, false],
    ]);
    expect(acts[3]?.reasons.at(-1)).toBe('Restart budget: 2 actions were already planned for kona/mailer within 60 minutes (at most 2); a human is told instead of acting again.');
  });

  it('holds the restart of a service that is already recovering, and plans it once the recovery stalls', () => {
    const recovering = result.decisions.flat().filter((d) => d.alertname === 'KonaHighErrorRate' && d.status === 'firing');
    expect(recovering.map((d) => [d.route, d.action])).toEqual([['record', null], ['record', null]]);
    for (const d of recovering) expect(d.reasons.at(-1)).toMatch(/^Recovering: the value fell back steadily from 0\.\d+ at worst to 0\.\d+ now \(threshold > 0\.05\); watching/);
    expect(result.watched.map((w) => ({ alertname: w.decision.alertname, fingerprint: w.decision.fingerprint, class: w.decision.class, route: w.decision.route, action: w.decision.action?.name })))
      .toEqual(trends.watch.map(({ atSeconds: _, ...w }) => w));
    for (const [i, w] of result.watched.entries()) {
      const due = trends.watch[i]!.atSeconds;
      // The sweep runs every minute: the first run at or after the stall acts.
      expect(w.atSeconds).toBeGreaterThanOrEqual(due);
      expect(w.atSeconds).toBeLessThan(due + 60);
      expect(w.decision.reasons.at(-1)).toMatch(/^Stopped improving while watched: the value is not coming back steadily/);
    }
  });

  it('never copies annotation text (injections, secrets) into reasons', () => {
    const annotations = corpus.deliveries.flatMap((d) => (JSON.parse(corpusFile(d.file).toString()) as { alerts: Array<{ annotations: Record<string, string> }> }).alerts.flatMap((a) => Object.values(a.annotations)));
    const reasons = result.decisions.flat().flatMap((d) => d.reasons).join('\n');
    for (const canary of ['ignore all previous instructions', 'Hunter2-Sup3rSecret', 'eyJhbGciOiJIUzI1NiJ9', 'AKIAIOSFODNN7EXAMPLE', '+44 7700 900123', '<script>']) {
      expect(annotations.some((a) => a.includes(canary))).toBe(true);
      expect(reasons).not.toContain(canary);
    }
  });

  it('escalates each Watchdog gap once and reports the recovery', () => {
    const lost = result.heartbeatEvents.filter((e) => e.event.kind === 'lost');
    expect(lost.map((e) => (e.event.kind === 'lost' ? (e.event.escalation.lastSeen ?? 0) - base : 0) / 1000)).toEqual(corpus.heartbeat.losses.map((l) => l.lastSeenSeconds));
    for (const [i, e] of lost.entries()) {
      const lastSeen = base + (corpus.heartbeat.losses[i]?.lastSeenSeconds ?? 0) * 1000;
      expect(e.at).toBeGreaterThan(lastSeen + corpus.heartbeat.windowMinutes * 60_000);
      expect(e.at).toBeLessThanOrEqual(lastSeen + corpus.heartbeat.windowMinutes * 60_000 + 60_000);
    }
    const recovered = result.heartbeatEvents.filter((e) => e.event.kind === 'recovered').map((e) => (e.at - base) / 1000);
    expect(recovered).toEqual(corpus.heartbeat.losses.flatMap((l) => (l.recoveredAtSeconds === null ? [] : [l.recoveredAtSeconds])));
  });
});
