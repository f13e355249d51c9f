import { describe, expect, it } from 'vitest';
import { bodySha256, parseWebhook, toDelivery } from './payload.js';
import { alertFingerprint } from './fingerprint.js';
import { testAlert, testBody, testPayload } from './ingest.testing.js';

const crash = { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: 'web-7d9f-abc', severity: 'warning' };

function problemsOf(body: Buffer): string[] {
  const r = parseWebhook(body);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('parseWebhook', () => {
  it('accepts a version 4 body and builds the Delivery', () => {
    const body = testBody(testPayload([testAlert(crash)], { truncatedAlerts: 2 }));
    const r = parseWebhook(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mismatches).toEqual([]);
    const d = toDelivery(r.payload, { id: '7', receivedAt: 1000, bodySha256: bodySha256(body) });
    expect(d).toMatchObject({ id: '7', receivedAt: 1000, receiver: 'kona-triage', status: 'firing', truncatedAlerts: 2, groupKey: '{}:{alertname="KubePodCrashLooping"}' });
    expect(d.alerts[0]).toMatchObject({ status: 'firing', labels: crash, endsAt: '0001-01-01T00:00:00Z', startsAt: '2026-11-25T10:00:00.123456789Z' });
    expect(d.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.notificationReason).toBeUndefined();
  });

  it('accepts the newer optional fields and unknown extra ones', () => {
    const body = testBody(testPayload([testAlert(crash)], { notification_reason: 'repeat interval elapsed', routeLabels: { team: 'ops' }, someFutureField: [1] }));
    const r = parseWebhook(body);
    expect(r.ok && r.payload.routeLabels).toEqual({ team: 'ops' });
    expect(r.ok && toDelivery(r.payload, { id: '1', receivedAt: 0, bodySha256: '' }).notificationReason).toBe('repeat interval elapsed');
  });

  it('defaults truncatedAlerts to 0 for senders older than max_alerts', () => {
    const payload: Record<string, unknown> = testPayload([testAlert(crash)]);
    delete payload.truncatedAlerts;
    const r = parseWebhook(testBody(payload));
    expect(r.ok && r.payload.truncatedAlerts).toBe(0);
  });

  it('names the wrong field', () => {
    const bad = testPayload([testAlert(crash), testAlert({ ...crash, pod: 'other' })]);
    (bad.alerts[1]!.labels as Record<string, unknown>).pod = 42;
    expect(problemsOf(testBody(bad))).toEqual(['alerts[1].labels.pod: expected string, received number']);
    expect(problemsOf(testBody({ ...testPayload([testAlert(crash)]), version: '3' }))).toEqual(['version: expected "4"']);
    expect(problemsOf(testBody({ ...testPayload([testAlert(crash)]), status: 'pending' }))[0]).toMatch(/^status: /);
    const noGroupKey: Record<string, unknown> = testPayload([testAlert(crash)]);
    delete noGroupKey.groupKey;
    expect(problemsOf(testBody(noGroupKey))).toEqual(['groupKey: required field is missing']);
    expect(problemsOf(testBody(testPayload([testAlert(crash, { fingerprint: 'XYZ' })])))).toEqual(['alerts[0].fingerprint: expected 16 lowercase hex digits']);
    expect(problemsOf(testBody(testPayload([{ ...testAlert(crash), startsAt: 'yesterday' }])))[0]).toMatch(/^alerts\[0\]\.startsAt: /);
    expect(problemsOf(testBody(testPayload([])))).toEqual(['alerts: expected at least one alert']);
    expect(problemsOf(testBody({ ...testPayload([testAlert(crash)]), truncatedAlerts: -1 }))[0]).toMatch(/^truncatedAlerts: /);
  });

  it('reports bodies that are not JSON, not UTF-8, empty or not objects, without echoing them', () => {
    const secret = '{"version":"4", "token":"hunter2-SECRET"';
    const problems = problemsOf(Buffer.from(secret));
    expect(problems[0]).toMatch(/^body: not valid JSON/);
    expect(problems.join()).not.toContain('hunter2');
    expect(problemsOf(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual(['body: not valid UTF-8']);
    expect(problemsOf(Buffer.from('  '))).toEqual(['body: empty; expected a JSON object']);
    expect(problemsOf(Buffer.from('[1,2]'))[0]).toMatch(/^body: expected object/);
  });

  it('caps a flood of problems', () => {
    const alerts = Array.from({ length: 30 }, (_, i) => ({ ...testAlert({ ...crash, pod: `p${i}` }), status: 'maybe' }));
    const problems = problemsOf(testBody(testPayload(alerts as never)));
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('… and 10 more problems');
  });

  it('hands the engine alerts keyed by triage\'s own fingerprint, keeping a disagreeing sent one beside it', () => {
    const r = parseWebhook(testBody(testPayload([testAlert(crash, { fingerprint: '0123456789abcdef' }), testAlert({ ...crash, pod: 'b' })])));
    expect(r.ok).toBe(true);
    const d = r.ok ? toDelivery(r.payload, { id: '1', receivedAt: 0, bodySha256: '' }) : undefined;
    expect(d?.alerts[0]).toMatchObject({ fingerprint: alertFingerprint(crash), sentFingerprint: '0123456789abcdef' });
    expect(d?.alerts[1]?.fingerprint).toBe(alertFingerprint({ ...crash, pod: 'b' }));
    expect(d?.alerts[1]).not.toHaveProperty('sentFingerprint');
  });

  it('lists fingerprint mismatches but keeps the delivery valid', () => {
    const r = parseWebhook(testBody(testPayload([testAlert(crash, { fingerprint: '0123456789abcdef' }), testAlert({ ...crash, pod: 'b' })])));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mismatches).toHaveLength(1);
    expect(r.mismatches[0]).toMatchObject({ alertname: 'KubePodCrashLooping', sent: '0123456789abcdef' });
    expect(r.mismatches[0]!.computed).toMatch(/^[0-9a-f]{16}$/);
  });
});
