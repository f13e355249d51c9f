/**
 * bench:triage part 2b — what a person is actually sent: the corpus replayed as the service runs it
 * (engine, Watchdog heartbeat, the overdue sweep every minute) with the real Escalator behind it,
 * using the escalation section the example policy ships commented out (its tiers and repeats; its
 * channels replaced by a capture), on the virtual clock. Counts messages (one per message, whatever
 * the number of channels it goes to or of escalations a grouped message covers), in two cases: the on-call acknowledges
 * each page as it arrives (no reminders), and nobody ever acknowledges (every reminder counts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ManualClock } from '../src/platform/clock/clock.testing.js';
import { TriageEngine } from '../src/triage/engine/engine.js';
import { HeartbeatWatch, type HeartbeatEvent } from '../src/triage/engine/heartbeat.js';
import { MemoryState } from '../src/triage/engine/memory-state.js';
import { channelNames, Escalator, type Channel, type EscalationMessage } from '../src/triage/escalate/index.js';
import { bodySha256, parseWebhook, toDelivery } from '../src/triage/ingest/payload.js';
import { parsePolicy } from '../src/triage/policy/policy.load.js';
import type { Policy } from '../src/triage/policy/policy.schema.js';
import { openTriageStore } from '../src/triage/store/store.js';
import type { Decision, IncomingAlert } from '../src/triage/types.js';

/** Messages sent over the replay, by kind. */
export interface MessageCount {
  total: number;
  opened: number;
  repeat: number;
  resolved: number;
}

/** Both acknowledgement cases, and the overdue decisions the sweep made. */
export interface MessagesResult {
  acknowledged: MessageCount;
  neverAcknowledged: MessageCount;
  overdueDecisions: number;
  /** Human-route decisions the escalator sent nothing for (e.g. a notify decision about an already resolved alert). */
  unsent: string[];
}

interface Manifest {
  baseTime: string;
  policy: string;
  deliveries: Array<{ file: string; atSeconds: number }>;
}

/** The example policy with its commented-out `escalation:` section turned on, exactly as shipped. */
export function examplePolicyWithEscalation(file: string): Policy {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l === '# escalation:');
  if (start < 0) throw new Error(`${file}: no commented "# escalation:" section`);
  let end = start + 1;
  while (end < lines.length && lines[end]!.startsWith('#   ')) end++;
  const section = lines.slice(start, end).map((l) => l.slice(2));
  // The shipped section reads its secrets from the environment; the capture channels need none.
  process.env.KONA_TRIAGE_WEBHOOK_SECRET ??= 'bench-secret';
  process.env.KONA_TRIAGE_NTFY_TOKEN ??= 'bench-token';
  return parsePolicy([...lines, ...section].join('\n'), file);
}

/** Replays the corpus twice (acknowledging promptly, never acknowledging) and counts messages. */
export async function measureMessages(root: string): Promise<MessagesResult> {
  const acknowledged = await replay(root, true);
  const never = await replay(root, false);
  return { acknowledged: acknowledged.count, neverAcknowledged: never.count, overdueDecisions: acknowledged.overdue, unsent: acknowledged.unsent };
}

async function replay(root: string, acknowledge: boolean): Promise<{ count: MessageCount; overdue: number; unsent: string[] }> {
  const dir = path.join(root, 'test/fixtures/alertmanager');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'corpus.json'), 'utf8')) as Manifest;
  const policy = examplePolicyWithEscalation(path.join(root, manifest.policy));
  const base = Date.parse(manifest.baseTime);
  const clock = new ManualClock(base);
  const state = new MemoryState();
  const heartbeat = new HeartbeatWatch({ ...policy.heartbeat, clock });
  const engine = new TriageEngine({ policy, state, clock, heartbeat });
  const store = await openTriageStore({ kind: 'embedded', dir: null });
  const sent: EscalationMessage[] = [];
  const capture = (name: (typeof channelNames)[number]): Channel => ({ name, send: async (m) => void sent.push(m), close: async () => {} });
  const escalator = new Escalator({
    policy: policy.escalation, db: store.db.kysely, clock, logger: pino({ level: 'silent' }), rules: policy.rules,
    channels: new Map(channelNames.map((n) => [n, capture(n)])),
  });
  const unsent: string[] = [];
  let overdue = 0;
  // One message may go to several channels: a person counts it once.
  const seen = new Set<string>();
  const messages: EscalationMessage[] = [];
  const collect = async () => {
    for (const m of sent.splice(0)) {
      const key = `${m.escalationId}:${m.kind}:${m.sequence}`;
      if (seen.has(key)) continue;
      seen.add(key);
      messages.push(m);
      // A grouped message covers several escalations, each with its own link: the on-call acknowledges every new one.
      for (const part of m.parts ?? [m]) {
        const token = part.ackUrl?.split('/ack/')[1];
        if (acknowledge && part.kind === 'opened' && token) await escalator.acknowledge(decodeURIComponent(token), 'bench on-call');
      }
    }
  };
  const escalate = async (d: Decision, alert?: Pick<IncomingAlert, 'labels' | 'annotations'>) => {
    const out = await escalator.handle(d, { alert, history: [] });
    if ((d.route === 'notify' || d.route === 'diagnose') && out.kind !== 'opened' && out.kind !== 'resolved' && out.kind !== 'attached') {
      unsent.push(`${d.alertname} ${d.status} ${d.route}: ${out.kind === 'ignored' ? out.why : out.kind}`);
    }
    await collect();
  };
  const onHeartbeat = async (event: HeartbeatEvent) => {
    // As the service's heartbeat decision (service.tsx).
    await escalate({
      id: `hb-${clock.now()}`, deliveryId: 'heartbeat', fingerprint: `heartbeat:${policy.heartbeat.alertname}`, alertname: policy.heartbeat.alertname,
      severity: 'critical', status: event.kind === 'lost' ? 'firing' : 'resolved', class: 'serious', route: 'notify', rule: null,
      reasons: ['heartbeat'], action: null, mode: policy.mode, at: clock.now(),
    });
  };
  const minute = async () => {
    const event = heartbeat.tick();
    if (event) await onHeartbeat(event);
    for (const d of await engine.overdue(clock.now())) {
      overdue++;
      await escalate(d, await state.getAlert(d.fingerprint));
    }
    await escalator.tick();
    await collect();
  };
  const until = async (t: number) => {
    while (clock.now() + 60_000 <= t) {
      clock.advance(60_000);
      await minute();
    }
    clock.set(t);
  };
  try {
    for (const [i, d] of manifest.deliveries.entries()) {
      const at = base + d.atSeconds * 1000;
      await until(at);
      const bytes = readFileSync(path.join(dir, d.file));
      const parsed = parseWebhook(bytes);
      if (!parsed.ok) throw new Error(`${d.file}: ${parsed.problems.join('; ')}`);
      const delivery = toDelivery(parsed.payload, { id: `del-${i + 1}`, receivedAt: at, bodySha256: bodySha256(bytes) });
      for (const decision of await engine.process(delivery, at)) {
        await escalate(decision, delivery.alerts.find((a) => a.fingerprint === decision.fingerprint));
      }
      state.recordDelivery(delivery);
    }
    await until(base + (manifest.deliveries.at(-1)?.atSeconds ?? 0) * 1000 + 3_600_000);
    await escalator.stop();
  } finally {
    await store.close();
  }
  const by = (kind: EscalationMessage['kind']) => messages.filter((m) => m.kind === kind).length;
  return { count: { total: messages.length, opened: by('opened'), repeat: by('repeat'), resolved: by('resolved') }, overdue, unsent };
}
