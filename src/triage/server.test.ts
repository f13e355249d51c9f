import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../test/harness/databases.js';
import { alertFingerprint } from './ingest/fingerprint.js';
import { testAlert, testBody, testPayload } from './ingest/ingest.testing.js';
import type { TriageSchema } from './store/schema.js';
import { createTriageStore, type TriageStore } from './store/store.js';
import { startTriageServer, type DeliveryProcessor, type RunningTriageServer, type TriageServerOptions } from './server.js';
import type { Decision, Delivery } from './types.js';

const secretNote = 'ANNOTATION-SECRET-db-password=hunter2';
const crash = { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: 'web-7d9f-abc', severity: 'warning' };
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** A stand-in engine: notify the first copy of a body, drop later copies, via the real SQL state. */
function fakeEngine(store: TriageStore, seen: Delivery[], opts: { failOnce?: boolean } = {}): DeliveryProcessor {
  let fail = opts.failOnce ?? false;
  return {
    async process(delivery, now) {
      seen.push(delivery);
      if (fail) {
        fail = false;
        throw new Error('engine broke');
      }
      const earlier = await store.state.deliveryWithHash(delivery.bodySha256, now - 60_000);
      const out: Decision[] = [];
      for (const a of delivery.alerts) {
        const d: Decision = {
          id: randomUUID(), deliveryId: delivery.id, fingerprint: a.fingerprint, alertname: a.labels.alertname ?? '', severity: a.labels.severity ?? '',
          status: a.status, class: 'unknown', route: earlier ? 'drop-duplicate' : 'notify', rule: null,
          reasons: [earlier ? `resend of delivery ${earlier.id}` : 'unknown alertname'], action: null, mode: 'observe', at: now,
        };
        await store.state.saveDecision(d);
        await store.state.putAlert({
          fingerprint: a.fingerprint, alertname: d.alertname, labels: a.labels, annotations: a.annotations, status: a.status,
          startsAt: a.startsAt, endsAt: a.endsAt, firstSeen: now, lastSeen: now, lastRoute: d.route,
        });
        out.push(d);
      }
      return out;
    },
  };
}

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { lines, logger };
}

describe.each(engines)('triage server on %s', (engine) => {
  let store: TriageStore;
  let server: RunningTriageServer;
  const seen: Delivery[] = [];
  const logs = capture();
  let clock = 1_800_000_000_000;
  const token = 's3cret-token';
  const auth = { Authorization: `Bearer ${token}` };

  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/alertmanager`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...auth, ...headers } });
  const get = async (path: string, headers: Record<string, string> = auth) => fetch(`${server.url}${path}`, { headers });
  const getJson = async (path: string) => (await get(path)).json() as Promise<any>;

  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    server = await startTriageServer({
      store, engine: fakeEngine(store, seen, { failOnce: false }), auth: { bearer: token }, logger: logs.logger,
      now: () => (clock += 5), defaultMetrics: false,
    });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it('stores a valid delivery, runs the engine and answers with the decision count', async () => {
    const res = await post(testBody(testPayload([testAlert(crash, { annotations: { summary: secretNote } }), testAlert({ ...crash, pod: 'b' })])));
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer).toMatchObject({ alerts: 2, decisions: 2 });
    expect(seen.at(-1)).toMatchObject({ id: answer.deliveryId, receiver: 'kona-triage', status: 'firing' });
    const { deliveries } = await getJson('/api/deliveries?limit=1');
    expect(deliveries[0]).toMatchObject({ id: answer.deliveryId, valid: true, alertCount: 2, decisionCount: 2 });
    expect(deliveries[0].processedAt).toEqual(expect.any(Number));
  });

  it('stores both copies of a resend and lets the engine call the second a duplicate', async () => {
    const body = testBody(testPayload([testAlert({ ...crash, pod: 'ha' })]));
    const first = await (await post(body)).json();
    const second = await (await post(body)).json();
    expect(second.deliveryId).not.toBe(first.deliveryId);
    const { decisions } = await getJson('/api/decisions?limit=2');
    expect(decisions.map((d: Decision) => d.route)).toEqual(['drop-duplicate', 'notify']);
    expect(decisions[0].reasons).toEqual([`resend of delivery ${first.deliveryId}`]);
  });

  it('answers 400 naming the field, and keeps the malformed body', async () => {
    const bad = testPayload([testAlert(crash)]);
    (bad.alerts[0] as Record<string, unknown>).status = 'pending';
    const res = await post(testBody(bad));
    expect(res.status).toBe(400);
    const answer = await res.json();
    expect(answer.error).toMatch(/Alertmanager webhook/);
    expect(answer.problems[0]).toMatch(/^alerts\[0\]\.status: /);
    const notJson = '{"version":"4", oops';
    const res2 = await post(notJson, { 'content-type': 'text/plain' });
    expect(res2.status).toBe(400);
    const answer2 = await res2.json();
    expect(answer2.problems).toEqual([expect.stringMatching(/^body: not valid JSON/)]);
    const { deliveries } = await getJson('/api/deliveries?valid=false&limit=2');
    expect(deliveries.map((d: { id: string }) => d.id)).toEqual([answer2.deliveryId, answer.deliveryId]);
    const raw = await get(`/api/deliveries/${answer2.deliveryId}/body`);
    expect(raw.headers.get('content-type')).toBe('application/octet-stream');
    expect(await raw.text()).toBe(notJson);
    expect(seen.some((d) => d.id === answer.deliveryId)).toBe(false);
  });

  it('keeps a body sent without a content type, and records a malformed type and an oversized body', async () => {
    const res = await fetch(`${server.url}/alertmanager`, { method: 'POST', body: new Uint8Array(Buffer.from('x')), headers: auth });
    expect(res.status).toBe(400);
    const kept = (await res.json()).deliveryId;
    expect(await (await get(`/api/deliveries/${kept}/body`)).text()).toBe('x');
    const typeless = await fetch(`${server.url}/alertmanager`, { method: 'POST', body: 'x', headers: { ...auth, 'content-type': '' } });
    expect(typeless.status).toBe(415);
    expect((await getJson('/api/deliveries?valid=false&limit=1')).deliveries[0]).toMatchObject({ problems: ['content-type: not a media type; body not kept'] });
    const big = await post(Buffer.alloc(1024 * 1024 + 10, 0x20));
    expect(big.status).toBe(413);
    const answer = await big.json();
    const { deliveries } = await getJson('/api/deliveries?valid=false&limit=1');
    expect(deliveries[0]).toMatchObject({ id: answer.deliveryId, problems: ['body: larger than 1048576 bytes; not kept'] });
  });

  it('logs a fingerprint mismatch with both fingerprints and the alertname only, and keeps it', async () => {
    const labels = { ...crash, pod: 'mismatch' };
    const res = await post(testBody(testPayload([testAlert(labels, { fingerprint: 'ffffffffffffffff', annotations: { description: secretNote } })])));
    expect(res.status).toBe(200);
    const line = logs.lines.map((l) => JSON.parse(l)).find((l) => l.sent === 'ffffffffffffffff');
    expect(line).toMatchObject({ level: 40, alertname: 'KubePodCrashLooping', computed: alertFingerprint(labels) });
    expect(Object.keys(line).sort()).toEqual(['alertname', 'computed', 'deliveryId', 'hostname', 'level', 'msg', 'pid', 'sent', 'time']);
    const { deliveries } = await getJson('/api/deliveries?limit=1');
    expect(deliveries[0].fingerprintMismatches).toEqual([{ alertname: 'KubePodCrashLooping', sent: 'ffffffffffffffff', computed: alertFingerprint(labels) }]);
  });

  it('pages the JSON API newest first with bounded limits', async () => {
    for (let i = 0; i < 3; i++) await post(testBody(testPayload([testAlert({ ...crash, pod: `page-${i}` })])));
    const page1 = await getJson('/api/deliveries?limit=2');
    expect(page1.deliveries).toHaveLength(2);
    const page2 = await getJson(`/api/deliveries?limit=2&before=${page1.next}`);
    expect(Number(page2.deliveries[0].id)).toBeLessThan(Number(page1.deliveries[1].id));
    expect((await getJson('/api/deliveries?limit=100000')).deliveries.length).toBeLessThanOrEqual(500);
    const bad = await get('/api/deliveries?limit=abc');
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems[0]).toMatch(/^limit: /);
    expect((await get('/api/deliveries?before=1;drop')).status).toBe(400);
    const alerts = await getJson('/api/alerts?status=firing&limit=2');
    expect(alerts.alerts).toHaveLength(2);
    expect(alerts.next).toBe('2');
    expect((await getJson('/api/alerts?status=firing&limit=2&offset=2')).alerts[0].fingerprint).not.toBe(alerts.alerts[0].fingerprint);
    const d1 = await getJson('/api/decisions?limit=1');
    const d2 = await getJson(`/api/decisions?limit=1&before=${d1.next}`);
    expect(d2.decisions[0].id).not.toBe(d1.decisions[0].id);
    expect((await get('/api/deliveries/999999/body')).status).toBe(404);
  });

  it('renders the page with the mode and escapes what alerts carry', async () => {
    const evil = '<script>alert(1)</script>';
    await post(testBody(testPayload([testAlert({ alertname: evil, severity: 'critical' }, { annotations: { summary: `<img src=x onerror=alert(2)>${evil}` } })])));
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('observe-only');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(html).toContain('Recent decisions');
    expect(html).toContain('Invalid deliveries');
    expect(html).toContain('body: not valid JSON');
  });

  it('moves its metrics', async () => {
    const before = await (await get('/metrics', {})).text();
    const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 'NaN');
    await post(testBody(testPayload([testAlert({ ...crash, pod: 'metrics' })])));
    await post('nope');
    const after = await (await get('/metrics', {})).text();
    const valid = /kona_triage_deliveries_total\{validity="valid"\} (\d+)/;
    const invalid = /kona_triage_deliveries_total\{validity="invalid"\} (\d+)/;
    const notify = /kona_triage_alerts_total\{route="notify"\} (\d+)/;
    const latency = /kona_triage_decision_seconds_count (\d+)/;
    expect(count(after, valid)).toBe(count(before, valid) + 1);
    expect(count(after, invalid)).toBe(count(before, invalid) + 1);
    expect(count(after, notify)).toBe(count(before, notify) + 1);
    expect(count(after, latency)).toBe(count(before, latency) + 1);
    expect(after).toMatch(/kona_triage_fingerprint_mismatches_total [1-9]/);
  });

  it('is healthy, and never logged annotations, bodies or the token', async () => {
    expect(await (await get('/health', {})).json()).toEqual({ status: 'ok' });
    const all = logs.lines.join('\n');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain(token);
    expect(all).not.toContain('oops');
    expect(all).not.toContain('<script');
  });
});

describe('triage server authentication', () => {
  let store: TriageStore;
  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>('embedded'));
  });
  afterAll(async () => {
    await store.close();
  });

  async function withServer(authConfig: TriageServerOptions['auth'], fn: (url: string) => Promise<void>) {
    const server = await startTriageServer({ store, auth: authConfig, logger: capture().logger, defaultMetrics: false });
    try {
      await fn(server.url);
    } finally {
      await server.close();
    }
  }
  const body = new Uint8Array(testBody(testPayload([testAlert(crash)])));
  const send = (url: string, authorization?: string) =>
    fetch(`${url}/alertmanager`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) } });

  it('takes a bearer token as Alertmanager sends it and refuses anything else', async () => {
    await withServer({ bearer: 'tok-1' }, async (url) => {
      const stored = (await store.listDeliveries({ limit: 500 })).length;
      const missing = await send(url);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="kona-triage"');
      expect((await send(url, 'Bearer tok-2')).status).toBe(401);
      expect((await send(url, 'Bearer tok-1x')).status).toBe(401);
      expect((await send(url, basic('tok-1', 'tok-1'))).status).toBe(401);
      expect((await store.listDeliveries({ limit: 500 })).length).toBe(stored);
      expect((await send(url, 'Bearer tok-1')).status).toBe(200);
      expect((await fetch(`${url}/api/decisions`)).status).toBe(401);
      expect((await fetch(`${url}/`)).status).toBe(401);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    });
  });

  it('takes basic auth (a password may hold a colon) and refuses a wrong user or password', async () => {
    await withServer({ basic: { username: 'alertmanager', password: 'pa:ss wörd' } }, async (url) => {
      const missing = await send(url);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Basic realm="kona-triage"/);
      expect((await send(url, basic('alertmanager', 'pa:ss wörd'))).status).toBe(200);
      expect((await send(url, basic('alertmanager', 'pa:ss'))).status).toBe(401);
      expect((await send(url, basic('someone', 'pa:ss wörd'))).status).toBe(401);
      expect((await send(url, 'Basic !!!notbase64')).status).toBe(401);
      expect((await send(url, 'Bearer pa:ss wörd')).status).toBe(401);
    });
  });

  it('with both configured takes either and offers both challenges', async () => {
    await withServer({ bearer: 'tok', basic: { username: 'u', password: 'p' } }, async (url) => {
      expect((await send(url, 'Bearer tok')).status).toBe(200);
      expect((await send(url, basic('u', 'p'))).status).toBe(200);
      const refused = await send(url, 'Bearer nope');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('Basic realm="kona-triage"');
      expect(refused.headers.get('www-authenticate')).toContain('Bearer realm="kona-triage"');
    });
  });

  it('without credentials configured accepts every delivery (and says so in the log)', async () => {
    const logs = capture();
    const server = await startTriageServer({ store, auth: {}, logger: logs.logger, defaultMetrics: false });
    try {
      expect((await send(server.url)).status).toBe(200);
      expect(logs.lines.join()).toMatch(/without credentials/);
    } finally {
      await server.close();
    }
  });
});

describe('triage server engine failure', () => {
  it('answers 500, keeps the delivery unprocessed, and decides the retry as new', async () => {
    const store = await createTriageStore(await createTestDatabase<TriageSchema>('embedded'));
    const seen: Delivery[] = [];
    const server = await startTriageServer({ store, engine: fakeEngine(store, seen, { failOnce: true }), auth: {}, logger: capture().logger, defaultMetrics: false, mode: () => 'act' });
    try {
      const body = new Uint8Array(testBody(testPayload([testAlert(crash)])));
      const first = await fetch(`${server.url}/alertmanager`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(first.status).toBe(500);
      const retry = await fetch(`${server.url}/alertmanager`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(retry.status).toBe(200);
      expect(seen).toHaveLength(2);
      const [decision] = await store.listDecisions({ limit: 1 });
      expect(decision!.route).toBe('notify');
      const deliveries = await store.listDeliveries();
      expect(deliveries.map((d) => d.processedAt === null)).toEqual([false, true]);
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/kona_triage_engine_failures_total 1/);
      expect(await (await fetch(`${server.url}/`)).text()).toContain('acting');
    } finally {
      await server.close();
      await store.close();
    }
  });
});
