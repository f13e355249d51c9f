import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { escalationPolicySchema, type EscalationSettings } from './escalation.schema.js';
import { Escalator } from './escalator.js';
import { recordingLogger, startReceiver, testDecision } from './escalate.testing.js';
import type { EscalationTables } from './schema.js';

const t0 = 1_764_000_000_000;
const minute = 60_000;
type Body = { kind: string; title: string; ackUrl: string | null; alert: { alertname: string }; group?: Array<{ kind: string; escalation: string; ackUrl: string | null; alertname: string }> };

describe.each(engines)('message grouping on %s', (engine) => {
  let db: Database<EscalationTables>;
  let kysely: Kysely<EscalationTables>;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let clock: ManualClock;
  const running: Escalator[] = [];
  const policy = (by: string[] = []): EscalationSettings => escalationPolicySchema.parse({
    ackBaseUrl: 'https://ops.example.org/triage',
    channels: { webhook: { url: hook.url } },
    tiers: [{ name: 'page', severities: ['critical', 'warning'], channels: ['webhook'], repeatMinutes: 15 }],
    grouping: { by },
  })!;
  const escalator = (by?: string[]) => {
    const e = new Escalator({ policy: policy(by), db: kysely, clock, logger: recordingLogger() });
    running.push(e);
    return e;
  };
  const bodies = () => hook.received.map((r) => JSON.parse(r.body) as Body);
  const tokenOf = (ackUrl: string) => decodeURIComponent(ackUrl.split('/ack/')[1]!);
  const fire = (e: Escalator, id: string, over: Parameters<typeof testDecision>[0] = {}) =>
    e.handle(testDecision({ id, fingerprint: `f-${id}`, alertname: `Alert${id}`, ...over }), { alert: { labels: { alertname: `Alert${id}`, namespace: String(over.severity === 'warning' ? 'web' : 'db') }, annotations: {} }, history: [] });
  const resolve = (e: Escalator, id: string) => e.handle(testDecision({ id: `${id}-r`, fingerprint: `f-${id}`, alertname: `Alert${id}`, status: 'resolved' }), { history: [] });
  /** Moves the clock by `ms` and lets the escalator's timers and work run. */
  const advance = async (e: Escalator, ms: number) => {
    clock.advance(ms);
    await e.tick();
  };

  beforeAll(async () => {
    db = await createTestDatabase<EscalationTables>(engine);
    await migrateSet(db, 'triage');
    kysely = db.kysely;
    hook = await startReceiver();
  });
  afterAll(async () => {
    await Promise.all(running.map((e) => e.stop()));
    await hook.close();
    await db.close();
  });
  beforeEach(async () => {
    await kysely.deleteFrom('escalation_ack_tokens').execute();
    await kysely.deleteFrom('escalations').execute();
    hook.received.length = 0;
    clock = new ManualClock(t0);
  });

  it('sends one message for the alerts of a group window, the unknown first, each with its own ack link', async () => {
    const e = escalator();
    await fire(e, 'a', { class: 'routine', severity: 'warning' });
    await advance(e, 10_000);
    await fire(e, 'b', { class: 'unknown' });
    await fire(e, 'c');
    await advance(e, 19_000);
    expect(hook.received).toHaveLength(0); // the group waits 30 s for company
    await advance(e, 1_000);
    expect(bodies()).toHaveLength(1);
    const [m] = bodies();
    expect(m!.title).toBe('[UNKNOWN ALERT] Alertb (critical) and 2 more');
    expect(m!.group!.map((p) => `${p.kind} ${p.alertname}`)).toEqual(['opened Alertb', 'opened Alertc', 'opened Alerta']);
    const links = m!.group!.map((p) => p.ackUrl!);
    expect(new Set(links).size).toBe(3);
    // Acknowledging one stops its reminders only; the other two come back as ONE reminder.
    expect(await e.acknowledge(tokenOf(links[0]!), 'on-call')).toMatchObject({ kind: 'acknowledged' });
    await advance(e, 15 * minute);
    expect(bodies()).toHaveLength(2);
    expect(bodies()[1]!.group!.map((p) => `${p.kind} ${p.alertname}`)).toEqual(['repeat Alertc', 'repeat Alerta']);
  });

  it('holds a later alert until the group interval has passed, and folds an acknowledged alert\'s resolution into the next message', async () => {
    const e = escalator();
    await fire(e, 'a');
    await advance(e, 30_000);
    expect(bodies()).toHaveLength(1);
    await e.acknowledge(tokenOf(bodies()[0]!.ackUrl!), 'on-call');
    await advance(e, minute);
    await resolve(e, 'a');
    // Resolved after being acknowledged: no message of its own, however long it waits.
    await advance(e, 10 * minute);
    expect(bodies()).toHaveLength(1);
    await fire(e, 'b');
    await advance(e, 30_000);
    expect(bodies()).toHaveLength(2);
    expect(bodies()[1]!.group!.map((p) => `${p.kind} ${p.alertname}`)).toEqual(['opened Alertb', 'resolved Alerta']);
    // Within the interval after that message, a new alert waits for it (5 minutes), then goes.
    await advance(e, minute);
    await fire(e, 'c');
    await advance(e, 2 * minute);
    expect(bodies()).toHaveLength(2);
    await advance(e, 2 * minute);
    expect(bodies()).toHaveLength(3);
    expect(bodies()[2]).toMatchObject({ kind: 'opened', alert: { alertname: 'Alertc' } });
  });

  it('never drops a first firing: an alert that resolves before its group\'s message is still in it; an unacknowledged resolution goes on its own', async () => {
    const e = escalator();
    await fire(e, 'a', { class: 'unknown' });
    await advance(e, 10_000);
    await resolve(e, 'a');
    await advance(e, 20_000);
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0]).toMatchObject({ kind: 'opened', ackUrl: null, alert: { alertname: 'Alerta' } });
    await fire(e, 'b');
    await advance(e, 5 * minute);
    await resolve(e, 'b');
    await advance(e, 5 * minute);
    expect(bodies().map((b) => `${b.kind} ${b.alert.alertname}`)).toEqual(['opened Alerta', 'opened Alertb', 'resolved Alertb']);
  });

  it('wakes itself when a group is due (no tick needed)', async () => {
    const e = escalator();
    await fire(e, 'a');
    clock.advance(29_000);
    await e.tick();
    expect(hook.received).toHaveLength(0);
    clock.advance(1_000);
    await vi.waitFor(() => expect(hook.received).toHaveLength(1));
  });

  it('splits groups by the `by` labels', async () => {
    const e = escalator(['namespace']);
    await fire(e, 'a', { severity: 'warning' });
    await fire(e, 'b');
    await fire(e, 'c');
    await advance(e, 30_000);
    expect(bodies().map((b) => b.group?.length ?? 1).sort()).toEqual([1, 2]);
  });

  it('keeps a waiting message across a restart of the escalator', async () => {
    const first = escalator();
    await fire(first, 'a');
    await first.stop();
    const second = escalator();
    await advance(second, 30_000);
    expect(bodies()).toMatchObject([{ kind: 'opened', alert: { alertname: 'Alerta' } }]);
  });
});
