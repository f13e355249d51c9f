import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import { escalationPolicySchema, type EscalationSettings } from './escalation.schema.js';
import { Escalator, tokenHash } from './escalator.js';
import type { EscalationTables } from './schema.js';
import { corpusAlert, recordingLogger, startReceiver, startSmtp, testDecision } from './escalate.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const t0 = 1_764_000_000_000;
const minute = 60_000;

describe.each(engines)('escalator on %s', (engine) => {
  let db: Database<EscalationTables>;
  let kysely: Kysely<EscalationTables>;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let ntfy: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let policy: EscalationSettings;
  let clock: ManualClock;
  const running: Escalator[] = [];

  /** A new escalator over the test database (stopped after each test file). */
  function escalator(over: { logger?: ReturnType<typeof recordingLogger>; maxRetries?: number } = {}): Escalator {
    const e = new Escalator({ policy, db: kysely, clock, logger: over.logger ?? recordingLogger(), maxRetries: over.maxRetries, smtpUrl: smtp.url, rules: [{ name: 'node-not-ready', runbook: 'https://runbooks.example.org/node' }] });
    running.push(e);
    return e;
  }
  const hookBodies = () => hook.received.map((r) => JSON.parse(r.body) as Record<string, any>);
  const tokenOf = (ackUrl: string) => decodeURIComponent(ackUrl.split('/ack/')[1]!);

  beforeAll(async () => {
    db = await createTestDatabase<EscalationTables>(engine);
    await migrateSet(db, 'triage');
    kysely = db.kysely;
    [hook, ntfy, smtp] = await Promise.all([startReceiver(), startReceiver(), startSmtp()]);
    policy = escalationPolicySchema.parse({
      ackBaseUrl: 'https://ops.example.org/triage',
      channels: { webhook: { url: hook.url }, email: { to: ['ops@example.org'] }, ntfy: { url: ntfy.url } },
      tiers: [
        { name: 'page', severities: ['page', 'critical'], channels: ['webhook', 'email', 'ntfy'], repeatMinutes: 15 },
        { name: 'warning', severities: ['warning'], channels: ['webhook'], repeatMinutes: 60 },
      ],
      unknownTier: 'page',
    })!;
  });
  afterAll(async () => {
    await Promise.all(running.map((e) => e.stop()));
    await Promise.all([hook.close(), ntfy.close(), smtp.close()]);
    await db.close();
  });
  beforeEach(async () => {
    await kysely.deleteFrom('escalation_ack_tokens').execute();
    await kysely.deleteFrom('escalations').execute();
    hook.received.length = 0;
    ntfy.received.length = 0;
    smtp.received.length = 0;
    hook.status = 200;
    clock = new ManualClock(t0);
  });

  it('opens an escalation on every channel of its tier, with context, keeping only the ack token hash', async () => {
    const e = escalator();
    const history = [testDecision({ id: 'd0', at: t0 - 5 * minute, route: 'record', reasons: ['earlier'] })];
    const out = await e.handle(testDecision(), { alert: { labels: { alertname: 'KubeNodeNotReady', node: 'n1', severity: 'critical' }, annotations: { summary: 'Node n1 is not ready', description: 'secret stuff' } }, history });
    expect(out).toMatchObject({ kind: 'opened', tier: 'page', failed: [] });
    expect(hook.received).toHaveLength(1);
    expect(ntfy.received).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    const body = hookBodies()[0]!;
    expect(body).toMatchObject({ kind: 'opened', alert: { labels: { node: 'n1' }, summary: 'Node n1 is not ready', runbookUrl: 'https://runbooks.example.org/node' }, history: [{ route: 'record', reasons: ['earlier'] }] });
    expect(hook.received[0]!.body).not.toContain('secret stuff');
    expect(body.ackUrl).toMatch(/^https:\/\/ops\.example\.org\/triage\/ack\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(body.ackUrl);
    const row = await kysely.selectFrom('escalations').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'open', tier: 'page', sends: 1, fingerprint: 'f1', decision_id: 'd1', pending: null });
    expect(row.next_at!.getTime()).toBe(t0 + 15 * minute);
    const tokens = await kysely.selectFrom('escalation_ack_tokens').selectAll().execute();
    expect(tokens.map((t) => t.token_sha256)).toEqual([tokenHash(token)]);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('sends only allow-listed labels, scrubbed with the names it is given: a database password, an API key and an email in labels reach no channel', async () => {
    const e = new Escalator({ policy, db: kysely, clock, logger: recordingLogger(), smtpUrl: smtp.url, knownNames: () => ['Margarethe Vollmer'] });
    running.push(e);
    const labels = {
      alertname: 'KubeNodeNotReady', severity: 'critical', node: 'n1', namespace: 'kona',
      db_password: 'pgS3cretVal', api_key: 'ak_9fJ2kQ7xLm', contact: 'margarethe@example.org', instance: 'Margarethe Vollmer 5558675309',
    };
    await e.handle(testDecision(), { alert: { labels, annotations: { summary: 'Node down, the password is hunter2', runbook_url: 'https://runbooks.example.org/x?token=abc123secret' } }, history: [] });
    const sent = [...hook.received.map((r) => r.body), ...ntfy.received.map((r) => `${JSON.stringify(r.headers)}${r.body}`), ...smtp.received.map((m) => m.raw.replace(/=\r?\n/g, ''))];
    expect(sent).toHaveLength(3);
    for (const text of sent) {
      for (const needle of ['pgS3cretVal', 'ak_9fJ2kQ7xLm', 'margarethe@example.org', 'db_password', 'api_key', 'Vollmer', '5558675309', 'hunter2', 'abc123secret']) expect(text).not.toContain(needle);
    }
    const body = hookBodies()[0]!;
    expect(body.alert.labels).toEqual({ alertname: 'KubeNodeNotReady', severity: 'critical', node: 'n1', namespace: 'kona', instance: '[name] [phone]' });
    expect(body.alert.summary).toBe('Node down, the password is [secret]');
    expect(body.text).toContain('3 other labels or annotations left out by the allow-list');
    expect((await e.list())[0]!.dropped).toEqual(['label api_key', 'label contact', 'label db_password']);
  });

  it('chooses tiers by severity: warning → webhook only; unknown class → the unknown tier; no listed severity → the first tier', async () => {
    const e = escalator();
    expect(await e.handle(testDecision({ id: 'w', fingerprint: 'fw', severity: 'warning', class: 'serious' }), { history: [] })).toMatchObject({ kind: 'opened', tier: 'warning' });
    expect([hook.received.length, ntfy.received.length, smtp.received.length]).toEqual([1, 0, 0]);
    const { alert, decision } = corpusAlert('12-unknown-backup-stale-injection.json', t0);
    expect(decision.severity).toBe('warning');
    expect(await e.handle(decision, { alert, history: [] })).toMatchObject({ kind: 'opened', tier: 'page' });
    const heartbeat = testDecision({ id: 'hb', fingerprint: 'heartbeat:Watchdog', alertname: 'TriageHeartbeatLost', severity: '', rule: null, reasons: ['The Watchdog heartbeat has been missing for 12 minutes'] });
    expect(await e.handle(heartbeat, { history: [] })).toMatchObject({ kind: 'opened', tier: 'page' });
    expect([hook.received.length, ntfy.received.length, smtp.received.length]).toEqual([3, 2, 2]);
  });

  it('attaches a second notify decision for a live fingerprint without sending; other routes are ignored', async () => {
    const e = escalator();
    const opened = await e.handle(testDecision(), { history: [] });
    const again = await e.handle(testDecision({ id: 'd2', reasons: ['still not ready'] }), { history: [] });
    expect(again).toEqual({ kind: 'attached', id: (opened as { id: string }).id });
    expect(await e.handle(testDecision({ id: 'd3', fingerprint: 'other', route: 'record' }), { history: [] })).toMatchObject({ kind: 'ignored' });
    expect(hook.received).toHaveLength(1);
    expect(await kysely.selectFrom('escalations').select(['last_decision_id']).execute()).toEqual([{ last_decision_id: 'd2' }]);
    // The reminder carries the newest reasons.
    clock.advance(15 * minute);
    await e.tick();
    expect(hookBodies()[1]).toMatchObject({ kind: 'repeat', decision: { id: 'd2', reasons: ['still not ready'] }, escalation: { sequence: 2 } });
  });

  it('repeats every repeatMinutes until acknowledged; the first link still acknowledges', async () => {
    const e = escalator();
    await e.handle(testDecision(), { history: [] });
    const firstToken = tokenOf(hookBodies()[0]!.ackUrl);
    clock.advance(14 * minute);
    await e.tick();
    expect(hook.received).toHaveLength(1);
    clock.advance(minute);
    await e.tick();
    clock.advance(15 * minute);
    await e.tick();
    const bodies = hookBodies();
    expect(bodies.map((b) => [b.kind, b.escalation.sequence])).toEqual([['opened', 1], ['repeat', 2], ['repeat', 3]]);
    expect(bodies[1]!.title).toBe('[REMINDER 1, not acknowledged] KubeNodeNotReady (critical)');
    expect(new Set(bodies.map((b) => b.ackUrl)).size).toBe(3);
    expect(smtp.received).toHaveLength(3);
    expect(await e.lookup(firstToken)).toMatchObject({ status: 'open', sends: 3 });
    expect(await e.acknowledge(firstToken, 'Ann')).toMatchObject({ kind: 'acknowledged', escalation: { status: 'acknowledged', acknowledgedBy: 'Ann', acknowledgedAt: clock.now() } });
    expect(await e.acknowledge(tokenOf(bodies[2]!.ackUrl), 'Bob')).toMatchObject({ kind: 'already', escalation: { acknowledgedBy: 'Ann' } });
    clock.advance(60 * minute);
    await e.tick();
    expect(hook.received).toHaveLength(3);
    // Still firing after the ack: a new notify decision is attached to the acknowledged escalation, not re-opened.
    expect(await e.handle(testDecision({ id: 'd9' }), { history: [] })).toMatchObject({ kind: 'attached' });
    expect(hook.received).toHaveLength(3);
  });

  it('a resolved decision sends a resolution and closes the escalation: no more repeats, links closed', async () => {
    const e = escalator();
    await e.handle(testDecision({ fingerprint: 'heartbeat:Watchdog', alertname: 'TriageHeartbeatLost', severity: '' }), { history: [] });
    const token = tokenOf(hookBodies()[0]!.ackUrl);
    clock.advance(5 * minute);
    const out = await e.handle(testDecision({ id: 'back', fingerprint: 'heartbeat:Watchdog', alertname: 'TriageHeartbeatLost', severity: '', status: 'resolved', route: 'record' }), { history: [] });
    expect(out).toMatchObject({ kind: 'resolved', failed: [] });
    expect(hookBodies()[1]).toMatchObject({ kind: 'resolved', ackUrl: null, alert: { status: 'resolved' }, title: '[RESOLVED] TriageHeartbeatLost' });
    expect(ntfy.received[1]!.headers.priority).toBe('2');
    expect(await e.lookup(token)).toMatchObject({ status: 'resolved', resolvedAt: t0 + 5 * minute });
    expect(await e.acknowledge(token, 'x')).toMatchObject({ kind: 'already' });
    clock.advance(60 * minute);
    await e.tick();
    expect(hook.received).toHaveLength(2);
    // A resolved alert without a live escalation changes nothing (unless the decision itself tells a human: see the flapping test).
    expect(await e.handle(testDecision({ id: 'r2', fingerprint: 'nothing', status: 'resolved', route: 'record' }), { history: [] })).toMatchObject({ kind: 'ignored' });
    // The same alert firing again is a new escalation.
    expect(await e.handle(testDecision({ id: 'again', fingerprint: 'heartbeat:Watchdog' }), { history: [] })).toMatchObject({ kind: 'opened' });
  });

  it('a flapping alert told on a resolution (a notify decision with no live escalation) is messaged once, with no link and no reminders', async () => {
    const e = escalator();
    const flapping = testDecision({ id: 'flap', fingerprint: 'f-flap', alertname: 'KubePodNotReady', severity: 'warning', status: 'resolved', route: 'notify', class: 'routine', reasons: ['Matched rule probe-blip (routine).', 'Flapping: 4 status changes within 60 minutes.'] });
    expect(await e.handle(flapping, { alert: { labels: { alertname: 'KubePodNotReady', namespace: 'kona', severity: 'warning' }, annotations: {} }, history: [] })).toMatchObject({ kind: 'opened', tier: 'warning' });
    expect(hookBodies()).toHaveLength(1);
    expect(hookBodies()[0]).toMatchObject({ kind: 'opened', ackUrl: null, alert: { alertname: 'KubePodNotReady', status: 'resolved' }, decision: { reasons: expect.arrayContaining(['Flapping: 4 status changes within 60 minutes.']) } });
    expect(await kysely.selectFrom('escalations').select(['status', 'next_at']).executeTakeFirstOrThrow()).toEqual({ status: 'resolved', next_at: null });
    clock.advance(180 * minute);
    await e.tick();
    expect(hook.received).toHaveLength(1);
  });

  it('a failing channel is logged by name and status, retried on the next tick, and the others are not re-sent', async () => {
    const logger = recordingLogger();
    const e = escalator({ logger });
    hook.status = 500;
    expect(await e.handle(testDecision(), { history: [] })).toMatchObject({ kind: 'opened', failed: ['webhook'] });
    const warn = logger.lines.find((l) => l.level === 'warn')!;
    expect(warn.obj).toEqual({ channel: 'webhook', status: 'HTTP 500', escalation: expect.any(String) });
    expect(JSON.stringify(logger.lines)).not.toContain(hook.url);
    expect(await kysely.selectFrom('escalations').select('pending').executeTakeFirstOrThrow()).toEqual({ pending: { kind: 'opened', channels: ['webhook'], attempts: 1 } });
    await e.tick();
    expect(hook.received).toHaveLength(2);
    hook.status = 200;
    clock.advance(minute);
    await e.tick();
    expect(hook.received).toHaveLength(3);
    expect(hookBodies()[2]).toMatchObject({ kind: 'opened', escalation: { sequence: 1 } });
    expect([ntfy.received.length, smtp.received.length]).toEqual([1, 1]);
    expect(await kysely.selectFrom('escalations').select('pending').executeTakeFirstOrThrow()).toEqual({ pending: null });
    await e.tick();
    expect(hook.received).toHaveLength(3);
  });

  it('a message a channel keeps refusing is given up after maxRetries, with an error log; reminders go on', async () => {
    const logger = recordingLogger();
    const e = escalator({ logger, maxRetries: 2 });
    hook.status = 502;
    await e.handle(testDecision(), { history: [] });
    await e.tick();
    await e.tick();
    expect(hook.received).toHaveLength(3);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.obj)).toEqual([{ escalation: expect.any(String), channels: ['webhook'], attempts: 3 }]);
    await e.tick();
    expect(hook.received).toHaveLength(3);
    hook.status = 200;
    clock.advance(15 * 60_000);
    await e.tick();
    expect(hookBodies()[3]).toMatchObject({ kind: 'repeat' });
  });

  it('escalations survive a restart: a new escalator over the same database repeats and accepts old links', async () => {
    const first = escalator();
    await first.handle(testDecision(), { history: [] });
    const token = tokenOf(hookBodies()[0]!.ackUrl);
    await first.stop();
    clock.advance(40 * minute);
    const second = escalator();
    second.start();
    await second.stop();
    expect(hookBodies().map((b) => b.kind)).toEqual(['opened', 'repeat']);
    // Two repeats were missed while stopped: one reminder now, the next a full interval later.
    const row = await kysely.selectFrom('escalations').select(['next_at', 'sends']).executeTakeFirstOrThrow();
    expect(row).toEqual({ next_at: new Date(t0 + 55 * minute), sends: 2 });
    const third = escalator();
    expect(await third.acknowledge(token, 'Cy')).toMatchObject({ kind: 'acknowledged' });
    expect(await third.list()).toMatchObject([{ status: 'acknowledged', acknowledgedBy: 'Cy', sends: 2 }]);
  });

  it('without an escalation section nothing is sent or stored', async () => {
    const e = new Escalator({ policy: undefined, db: kysely, clock, logger: recordingLogger() });
    expect(e.enabled).toBe(false);
    expect(await e.handle(testDecision(), { history: [] })).toEqual({ kind: 'disabled' });
    e.start();
    await e.tick();
    await e.stop();
    expect(hook.received).toHaveLength(0);
    expect(await kysely.selectFrom('escalations').selectAll().execute()).toEqual([]);
  });
});
