/**
 * bench:triage part 2 — noise reduction on the corpus: the corpus's deliveries replayed in order
 * on a virtual clock through the real ingest parser and the engine (example policy, observe mode,
 * in-memory state, the Watchdog heartbeat ticked every minute), as engine.corpus.test.ts does.
 * Counts what a human would receive with triage (decisions routed notify/diagnose, plus the
 * heartbeat's lost/back escalations) against raw Alertmanager (one notification per delivery, and
 * one per alert; Watchdog not counted, kube-prometheus sends it to a null receiver), and checks
 * that no serious or unknown alert's first firing was suppressed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TriageEngine } from '../src/triage/engine/engine.js';
import { HeartbeatWatch } from '../src/triage/engine/heartbeat.js';
import { MemoryState } from '../src/triage/engine/memory-state.js';
import { bodySha256, parseWebhook, toDelivery } from '../src/triage/ingest/payload.js';
import { loadPolicy } from '../src/triage/policy/policy.load.js';
import type { Decision } from '../src/triage/types.js';
import { ManualClock } from '../src/platform/clock/clock.testing.js';

interface Manifest {
  baseTime: string;
  policy: string;
  summary: { deliveries: number; alerts: number; rawNotificationsOnePerAlert: number; rawNotificationsOnePerDelivery: number; triageNotifications: number };
  deliveries: Array<{ file: string; atSeconds: number }>;
}

/** A serious or unknown alert whose first firing decision was record or drop-duplicate. */
export interface Exception {
  alertname: string;
  fingerprint: string;
  route: string;
  reason: string;
  /** True when a human had already been told about the same owner's alert (a restarted pod's new name). */
  covered: boolean;
  coveredBy?: string;
}

/** The corpus's noise figures. */
export interface NoiseResult {
  deliveries: number;
  alerts: number;
  raw: { onePerDelivery: number; onePerAlert: number };
  triage: { notifications: number; fromDecisions: number; heartbeatEscalations: number; byRoute: Record<string, number> };
  reduction: { vsPerDelivery: number; vsPerAlert: number };
  seriousOrUnknownFirst: number;
  exceptions: Exception[];
  suppressed: number;
  /** The manifest's own summary, for comparison. */
  manifest: Manifest['summary'];
}

const human = (route: string) => route === 'notify' || route === 'diagnose';

/** Replays the corpus under `root` and counts. */
export async function measureNoise(root: string): Promise<NoiseResult> {
  const dir = path.join(root, 'test/fixtures/alertmanager');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'corpus.json'), 'utf8')) as Manifest;
  const policy = loadPolicy(path.join(root, manifest.policy));
  const base = Date.parse(manifest.baseTime);
  const clock = new ManualClock(base);
  const state = new MemoryState();
  const heartbeat = new HeartbeatWatch({ ...policy.heartbeat, clock });
  const engine = new TriageEngine({ policy, state, clock, heartbeat });
  const decisions: Decision[] = [];
  let heartbeatEscalations = 0;
  let raw = { onePerDelivery: 0, onePerAlert: 0 };
  let alerts = 0;
  const podOf = new Map<string, string>();
  const tick = () => {
    if (heartbeat.tick()) heartbeatEscalations++;
  };
  const tickUntil = (t: number) => {
    while (clock.now() + 60_000 <= t) {
      clock.advance(60_000);
      tick();
    }
    clock.set(t);
  };
  for (const [i, d] of manifest.deliveries.entries()) {
    const at = base + d.atSeconds * 1000;
    tickUntil(at);
    const bytes = readFileSync(path.join(dir, d.file));
    const parsed = parseWebhook(bytes);
    if (!parsed.ok) throw new Error(`${d.file}: ${parsed.problems.join('; ')}`);
    if (parsed.mismatches.length > 0) throw new Error(`${d.file}: fingerprint mismatch`);
    const delivery = toDelivery(parsed.payload, { id: `del-${i + 1}`, receivedAt: at, bodySha256: bodySha256(bytes) });
    alerts += delivery.alerts.length;
    for (const a of delivery.alerts) if (a.labels.pod) podOf.set(a.fingerprint, a.labels.pod);
    const pageable = delivery.alerts.filter((a) => a.labels.alertname !== policy.heartbeat.alertname).length;
    raw = { onePerDelivery: raw.onePerDelivery + (pageable > 0 ? 1 : 0), onePerAlert: raw.onePerAlert + pageable };
    decisions.push(...(await engine.process(delivery, at)));
    // Recorded after the pass, as the server marks a delivery processed only after the engine's pass.
    state.recordDelivery(delivery);
    tick();
  }
  tickUntil(base + (manifest.deliveries.at(-1)?.atSeconds ?? 0) * 1000 + 3_600_000);

  const byRoute: Record<string, number> = {};
  for (const d of decisions) byRoute[d.route] = (byRoute[d.route] ?? 0) + 1;
  const fromDecisions = decisions.filter((d) => human(d.route)).length;
  const notifications = fromDecisions + heartbeatEscalations;
  const { exceptions, checked } = firstFirings(decisions, podOf);
  return {
    deliveries: manifest.deliveries.length, alerts, raw,
    triage: { notifications, fromDecisions, heartbeatEscalations, byRoute },
    reduction: { vsPerDelivery: 1 - notifications / raw.onePerDelivery, vsPerAlert: 1 - notifications / raw.onePerAlert },
    seriousOrUnknownFirst: checked, exceptions, suppressed: exceptions.filter((e) => !e.covered).length, manifest: manifest.summary,
  };
}

/** Each serious/unknown fingerprint's first firing decision that no human saw, with why. */
function firstFirings(all: Decision[], podOf: Map<string, string>): { exceptions: Exception[]; checked: number } {
  const seen = new Set<string>();
  const exceptions: Exception[] = [];
  let checked = 0;
  for (const d of all) {
    if (d.status !== 'firing' || seen.has(d.fingerprint)) continue;
    seen.add(d.fingerprint);
    if (d.class === 'routine') continue;
    checked++;
    if (human(d.route)) continue;
    const reason = d.reasons.at(-1) ?? '';
    // A renamed pod of an owner a human was already told about: the sibling's notify decision must exist.
    const sibling = d.route === 'drop-duplicate' ? /restarted sibling of pod (\S+) \(owner [^)]+\), already notified\.$/.exec(reason)?.[1] : undefined;
    const told = sibling === undefined ? undefined
      : all.find((x) => x.at <= d.at && human(x.route) && x.status === 'firing' && x.alertname === d.alertname && podOf.get(x.fingerprint) === sibling);
    exceptions.push({
      alertname: d.alertname, fingerprint: d.fingerprint, route: d.route, reason, covered: told !== undefined,
      ...(told ? { coveredBy: `${told.alertname} ${told.fingerprint} (pod ${sibling}) notified` } : {}),
    });
  }
  return { exceptions, checked };
}
