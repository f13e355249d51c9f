import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusFile } from './engine/engine.testing.js';
import { alertFingerprint } from './ingest/fingerprint.js';
import { PolicyError } from './policy/policy.load.js';
import { startReceiver } from './escalate/escalate.testing.js';
import { startTriageService, type TriageService } from './service.js';
import { ManualClock } from '../platform/clock/clock.testing.js';

const examplePolicy = fileURLToPath(new URL('../../deploy/triage-policy.example.yaml', import.meta.url));
const token = 'alertmanager-bearer-token';
let service: TriageService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function post(file: string) {
  return fetch(`${service!.url}/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: corpusFile(file).toString(),
  });
}

async function postBody(payload: unknown) {
  return fetch(`${service!.url}/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(payload),
  });
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(`${service!.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

type DecisionJson = { alertname: string; route: string; status: string; fingerprint: string; reasons: string[] };

async function decisions(): Promise<DecisionJson[]> {
  return ((await getJson('/api/decisions')) as { decisions: DecisionJson[] }).decisions;
}

describe('kona triage, put together', () => {
  it('takes authenticated webhooks, decides with the policy, and escalates a lost heartbeat once, then its return', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T08:00:00Z'));
    service = await startTriageService({
      policyFile: examplePolicy, database: { kind: 'embedded', dir: null }, auth: { bearer: token },
      logger: pino({ level: 'silent' }), clock, heartbeatTickMs: 3_600_000, defaultMetrics: false,
    });
    expect((await post('01-watchdog.json')).status).toBe(200);
    expect((await post('20-node-not-ready-firing.json')).status).toBe(200);
    expect((await decisions()).map((d) => `${d.alertname} ${d.route}`)).toEqual(['KubeNodeNotReady notify', 'Watchdog record']);
    expect(await service.checkHeartbeat()).toBeUndefined();

    clock.advance(11 * 60_000); // past the example policy's 10-minute window (the hourly sweep does not fire)
    const lost = await service.checkHeartbeat();
    expect(lost).toMatchObject({ alertname: 'Watchdog', route: 'notify', status: 'firing', class: 'serious' });
    expect(lost!.reasons[0]).toMatch(/heartbeat has been missing for 11 minutes/);
    expect(await service.checkHeartbeat()).toBeUndefined(); // one outage, one escalation
    expect((await decisions())[0]).toMatchObject({ alertname: 'Watchdog', route: 'notify' });

    expect((await post('01-watchdog.json')).status).toBe(200);
    expect(await service.checkHeartbeat()).toMatchObject({ route: 'notify', status: 'resolved' });

    // A "probe blip" (recorded) that has been firing longer than the example rule's 15 minutes.
    expect((await post('18-probe-blip-firing.json')).status).toBe(200);
    expect((await decisions())[0]).toMatchObject({ alertname: 'KubePodNotReady', route: 'record' });
    const overdue = await service.checkOverdue();
    expect(overdue.map((d) => `${d.alertname} ${d.route} ${d.rule}`)).toEqual(['KubePodNotReady notify probe-blip']);
    expect(await service.checkOverdue()).toEqual([]);
  });

  it('refuses a bad policy file, naming the line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-policy-'));
    try {
      const file = path.join(dir, 'policy.yaml');
      writeFileSync(file, 'mode: observe\nrules:\n  - name: x\n    class: routine\n');
      const err = await startTriageService({
        policyFile: file, database: { kind: 'embedded', dir: null }, auth: {}, logger: pino({ level: 'silent' }),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as Error).message).toMatch(/policy\.yaml:3:\d+: rules\[0\]\.match/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escalates notify decisions through the policy\'s channels, and the ack link works without credentials', async () => {
    const hook = await startReceiver();
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-wired-'));
    try {
      const policyFile = path.join(dir, 'policy.yaml');
      writeFileSync(policyFile, [
        'rules:',
        '  - name: node-not-ready',
        '    match: { alertname: KubeNodeNotReady }',
        '    class: serious',
        'escalation:',
        '  ackBaseUrl: http://triage.invalid/',
        `  channels: { webhook: { url: "${hook.url}" } }`,
        '  tiers: [{ name: page, severities: [page, critical, warning], channels: [webhook], repeatMinutes: 15 }]',
      ].join('\n'));
      service = await startTriageService({
        policyFile, database: { kind: 'embedded', dir: null }, auth: { bearer: token }, logger: pino({ level: 'silent' }), defaultMetrics: false,
      });
      expect((await post('20-node-not-ready-firing.json')).status).toBe(200);
      await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(1);
      const message = JSON.parse(hook.received[0]!.body) as { kind: string; ackUrl: string; alert: { alertname: string } };
      expect(message).toMatchObject({ kind: 'opened', alert: { alertname: 'KubeNodeNotReady' } });
      const ackPath = new URL(message.ackUrl).pathname;
      // The link's page opens without credentials (the token is the credential); the API does not.
      expect((await fetch(`${service.url}${ackPath}`)).status).toBe(200);
      expect((await fetch(`${service.url}/api/escalations`)).status).toBe(401);
      expect((await fetch(`${service.url}${ackPath}`, { method: 'POST' })).status).toBe(200);
      const page = await (await fetch(`${service.url}/`, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(page).toContain('<h2>Escalations</h2>');
      expect(page).toContain('<h2>Actions</h2>');
      expect(page).toMatch(/acknowledged/);
    } finally {
      await hook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys alerts by its own fingerprint: a forged one is kept and flagged, and does not page again', async () => {
    const hook = await startReceiver();
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-forged-'));
    try {
      const policyFile = path.join(dir, 'policy.yaml');
      writeFileSync(policyFile, [
        'rules:',
        '  - name: node-not-ready',
        '    match: { alertname: KubeNodeNotReady }',
        '    class: serious',
        'escalation:',
        '  ackBaseUrl: http://triage.invalid/',
        `  channels: { webhook: { url: "${hook.url}" } }`,
        '  tiers: [{ name: page, severities: [page, critical, warning], channels: [webhook], repeatMinutes: 15 }]',
      ].join('\n'));
      service = await startTriageService({
        policyFile, database: { kind: 'embedded', dir: null }, auth: { bearer: token }, logger: pino({ level: 'silent' }), defaultMetrics: false,
      });
      const genuine = JSON.parse(corpusFile('20-node-not-ready-firing.json').toString()) as { alerts: Array<{ labels: Record<string, string>; fingerprint: string }> };
      const own = genuine.alerts[0]!.fingerprint;
      expect(own).toBe(alertFingerprint(genuine.alerts[0]!.labels));
      const forged = structuredClone(genuine);
      forged.alerts[0]!.fingerprint = 'f0f0f0f0f0f0f0f0';
      const other = structuredClone(genuine);
      other.alerts[0]!.labels.node = 'k3s-node-4';
      other.alerts[0]!.fingerprint = alertFingerprint(other.alerts[0]!.labels);

      expect((await postBody(genuine)).status).toBe(200);
      expect((await postBody(forged)).status).toBe(200);
      const [flagged] = await decisions();
      expect(flagged).toMatchObject({ alertname: 'KubeNodeNotReady', route: 'drop-duplicate', fingerprint: own });
      expect(flagged!.reasons.at(-1)).toBe(`Fingerprint mismatch: the delivery said f0f0f0f0f0f0f0f0, but these labels give ${own}; triage keys the alert by its own fingerprint.`);
      expect((await postBody(other)).status).toBe(200);
      // Two pages, one per node: had the forged copy counted as new, node-3 would have been paged twice.
      await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(2);
      const nodes = hook.received.map((r) => (JSON.parse(r.body) as { alert: { labels: Record<string, string> } }).alert.labels.node).sort();
      expect(nodes).toEqual(['k3s-node-3', 'k3s-node-4']);

      const alerts = await getJson('/api/alerts') as { alerts: Array<{ fingerprint: string }> };
      expect(alerts.alerts.map((a) => a.fingerprint).sort()).toEqual([own, other.alerts[0]!.fingerprint].sort());
      const page = await (await fetch(`${service.url}/`, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(page).toContain('Fingerprint mismatch: the delivery said f0f0f0f0f0f0f0f0');
    } finally {
      await hook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kona triage, a service already recovering on its own', () => {
  it('holds the restart while the error rate falls in Prometheus, and plans it when the sweep sees it stall', async () => {
    const { createServer } = await import('node:http');
    let values = [0.21, 0.34, 0.31, 0.24, 0.17, 0.11];
    const queries: string[] = [];
    const prometheus = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      queries.push(`${url.pathname} ${url.searchParams.get('query')}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { namespace: 'kona', deployment: 'web' }, values: values.map((v, i) => [1764000000 + i * 60, String(v)]) }] } }));
    });
    await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', r));
    try {
      const clock = new ManualClock(Date.parse('2026-11-20T13:20:00Z'));
      service = await startTriageService({
        policyFile: examplePolicy, database: { kind: 'embedded', dir: null }, auth: { bearer: token },
        logger: pino({ level: 'silent' }), clock, heartbeatTickMs: 3_600_000, defaultMetrics: false,
        context: { prometheusUrl: `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`, kubernetes: 'off' },
      });
      expect((await post('38-error-rate-web-recovering.json')).status).toBe(200);
      const [held] = await decisions();
      expect(held).toMatchObject({ alertname: 'KonaHighErrorRate', route: 'record' });
      expect(held!.reasons.at(-1)).toMatch(/^Recovering: the value fell back steadily from 0\.34 at worst to 0\.11 now \(threshold > 0\.05\)/);
      // The value part of the rule's expression was read, not the comparison.
      expect(queries[0]).toBe('/api/v1/query_range sum by (namespace, deployment) (rate(http_request_duration_seconds_count{status_code=~"5.."}[5m])) / sum by (namespace, deployment) (rate(http_request_duration_seconds_count[5m]))');
      expect(await service.checkRecovering()).toEqual([]);
      values = [...values, 0.12, 0.14];
      const [acted] = await service.checkRecovering();
      expect(acted).toMatchObject({ alertname: 'KonaHighErrorRate', route: 'act', deliveryId: 'watch', action: { name: 'restart-deployment', target: { namespace: 'kona', deployment: 'web' }, execute: false } });
      expect((await decisions())[0]).toMatchObject({ route: 'act', reasons: expect.arrayContaining([expect.stringMatching(/^Stopped improving while watched/)]) });
    } finally {
      await service?.close();
      service = undefined;
      await new Promise<void>((r) => prometheus.close(() => r()));
    }
  });

  it('keeps watching across a restart of kona triage: the new process reads the kept watch, holds while it improves, acts once it stalls', async () => {
    const { createServer } = await import('node:http');
    let values = [0.21, 0.34, 0.31, 0.24, 0.17, 0.11];
    const prometheus = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { namespace: 'kona', deployment: 'web' }, values: values.map((v, i) => [1764000000 + i * 60, String(v)]) }] } }));
    });
    await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-watch-'));
    try {
      const clock = new ManualClock(Date.parse('2026-11-20T13:20:00Z'));
      const start = () => startTriageService({
        policyFile: examplePolicy, database: { kind: 'embedded', dir: path.join(dir, 'db') }, auth: { bearer: token },
        logger: pino({ level: 'silent' }), clock, heartbeatTickMs: 3_600_000, defaultMetrics: false,
        context: { prometheusUrl: `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`, kubernetes: 'off' },
      });
      service = await start();
      expect((await post('38-error-rate-web-recovering.json')).status).toBe(200);
      expect((await decisions())[0]).toMatchObject({ alertname: 'KonaHighErrorRate', route: 'record' });
      await service.close();
      service = await start();
      clock.advance(60_000);
      // Still improving: still held (the old in-memory watch would have acted here).
      values = [...values, 0.09];
      expect(await service.checkRecovering()).toEqual([]);
      values = [...values, 0.12, 0.14];
      const [acted] = await service.checkRecovering();
      expect(acted).toMatchObject({ route: 'act', deliveryId: 'watch', reasons: expect.arrayContaining([expect.stringMatching(/^Stopped improving while watched: the value is not coming back/)]) });
    } finally {
      await service?.close();
      service = undefined;
      await new Promise<void>((r) => prometheus.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the webhook within the recovery wait when Prometheus hangs, and settles the hold once it answers', async () => {
    const { createServer } = await import('node:http');
    const waiting: Array<() => void> = [];
    const stalled = [0.21, 0.34, 0.31, 0.3, 0.31, 0.3];
    const prometheus = createServer((_req, res) => {
      // Hung until the test lets it answer.
      waiting.push(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { namespace: 'kona', deployment: 'web' }, values: stalled.map((v, i) => [1764000000 + i * 60, String(v)]) }] } }));
      });
    });
    await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', r));
    try {
      const clock = new ManualClock(Date.parse('2026-11-20T13:20:00Z'));
      service = await startTriageService({
        policyFile: examplePolicy, database: { kind: 'embedded', dir: null }, auth: { bearer: token },
        logger: pino({ level: 'silent' }), clock, heartbeatTickMs: 3_600_000, defaultMetrics: false,
        context: { prometheusUrl: `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`, kubernetes: 'off' },
      });
      const posting = post('38-error-rate-web-recovering.json');
      await expect.poll(() => waiting.length, { timeout: 10_000 }).toBe(1);
      // The delivery's wait (200 ms on the triage clock), far below the 5 s context deadline.
      clock.advance(200);
      expect((await posting).status).toBe(200);
      const [held] = await decisions();
      expect(held).toMatchObject({ alertname: 'KonaHighErrorRate', route: 'record' });
      expect(held!.reasons.at(-1)).toBe('Recovery check pending: Prometheus had not answered within 200 ms; the action is held until it does.');
      waiting[0]!();
      await expect.poll(async () => (await decisions())[0]?.route, { timeout: 10_000 }).toBe('act');
      expect((await decisions())[0]).toMatchObject({ deliveryId: 'watch', reasons: expect.arrayContaining([expect.stringMatching(/^Not recovering on its own: the value is not coming back steadily/)]) });
      // Settled: the sweep has nothing left to watch.
      expect(await service.checkRecovering()).toEqual([]);
    } finally {
      await service?.close();
      service = undefined;
      prometheus.closeAllConnections();
      await new Promise<void>((r) => prometheus.close(() => r()));
    }
  });
});
