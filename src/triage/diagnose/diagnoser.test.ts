import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { packageRoot } from '../../platform/runtime/paths.js';
import { loadPolicy, parsePolicy } from '../policy/policy.load.js';
import { createTriageStore, type TriageStore } from '../store/store.js';
import type { TriageSchema } from '../store/schema.js';
import type { IncomingAlert } from '../types.js';
import { diagnosisSystemPrompt } from './context.js';
import { asDiagnosisDb, chatUrl, Diagnoser, diagnosesForDecision, listDiagnoses } from './diagnoser.js';
import { diagnosisPolicySchema } from './diagnosis.schema.js';
import type { DiagnosisSchema } from './schema.js';
import { knownNames, scrubCases } from './scrub-corpus.testing.js';
import { startFakeModel, testDecision, type FakeModel } from './diagnose.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

/** Fixture 13: an alert whose annotations carry a URL password, an email, a phone, a JWT and an AWS key. */
function secretsAlert(): IncomingAlert {
  const file = path.join(packageRoot(), 'test/fixtures/alertmanager/13-unknown-smtp-secrets.json');
  const body = JSON.parse(readFileSync(file, 'utf8')) as { alerts: IncomingAlert[] };
  return body.alerts[0]!;
}
const fixtureSecrets = ['Hunter2-Sup3rSecret', 'postmaster', 'adopt@paws-rescue.example', '7700 900123', 'eyJhbGciOiJIUzI1NiJ9', 'AKIAIOSFODNN7EXAMPLE'];

const clock = new ManualClock(Date.UTC(2026, 10, 25, 17, 30));
const logger = pino({ level: 'silent' });

describe.each(engines)('diagnoser on %s', (engine) => {
  let store: TriageStore;
  let db: ReturnType<typeof asDiagnosisDb>;
  let fake: FakeModel;
  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    db = asDiagnosisDb(store.db.kysely as unknown as import('kysely').Kysely<TriageSchema & DiagnosisSchema>);
    fake = await startFakeModel();
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.answer({ content: 'Likely cause: the SMTP password was rotated. Check the kona-smtp secret.' });
  });

  const policy = (over: Record<string, unknown> = {}) => diagnosisPolicySchema.parse({
    enabled: true, endpoint: { url: `${fake.url}/v1`, model: 'big-model', tokenEnv: 'DIAG_TOKEN' }, alertnames: ['KonaSmtpAuthFailing'], ...over,
  });
  const diagnoser = (p: ReturnType<typeof policy>) => new Diagnoser({
    policy: p, db, clock, logger, knownNames: () => knownNames, env: { DIAG_TOKEN: 'diag-token-123' },
  });
  const decision = (id: string) => testDecision({ id, fingerprint: 'ebf87c32b5acb466', alertname: 'KonaSmtpAuthFailing', severity: 'critical', class: 'serious', route: 'diagnose', action: null });

  it('disabled (absent or enabled: false) sends nothing and records nothing', async () => {
    for (const p of [undefined, policy({ enabled: false })]) {
      const d = new Diagnoser({ policy: p, db, clock, logger });
      expect(d.enabled).toBe(false);
      expect(await d.handle(decision('off'), { alert: secretsAlert(), history: [] })).toBeUndefined();
    }
    expect(fake.requests).toHaveLength(0);
    expect(await diagnosesForDecision(db, 'off')).toEqual([]);
  });

  it('sends nothing for another route or an alertname outside the class', async () => {
    const d = diagnoser(policy());
    expect(await d.handle({ ...decision('n1'), route: 'notify' }, { history: [] })).toBeUndefined();
    expect(await d.handle({ ...decision('n2'), alertname: 'KubeNodeNotReady' }, { history: [] })).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
    expect(await listDiagnoses(db, { fingerprint: 'ebf87c32b5acb466' })).toEqual([]);
  });

  it('sends exactly the scrubbed text, stores it and the answer', async () => {
    const alert = secretsAlert();
    const history = [testDecision({ id: 'h1', route: 'notify', reasons: ['Mail to jane.doe@example.org failed.'], at: clock.now() - 60_000 })];
    const logs = scrubCases.map((c) => c.line);
    const record = await diagnoser(policy({ maxChars: 100_000 })).handle(decision('s1'), {
      alert, history, logs, metrics: [{ query: 'increase(kona_mail_auth_failures_total[10m])', result: '{namespace="kona"} 7' }],
    });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer diag-token-123');
    for (const value of [...fixtureSecrets, ...scrubCases.flatMap((c) => c.gone), 'jane.doe@example.org']) {
      expect(req.raw, `"${value}" was sent`).not.toContain(value);
    }
    // The description annotation (free text) is never sent; labels and the summary are.
    expect(req.raw).not.toContain('SMTP login to');
    expect(req.body.messages).toEqual([{ role: 'system', content: diagnosisSystemPrompt }, { role: 'user', content: record!.sentText }]);
    expect(req.body).toMatchObject({ model: 'big-model', stream: false });
    const sent = record!.sentText;
    expect(sent).toContain('alertname=KonaSmtpAuthFailing');
    expect(sent).toContain('Summary annotation: Authorization: [secret]; AWS key [secret].');
    expect(sent).toContain('increase(kona_mail_auth_failures_total[10m])');
    expect(sent).toContain('web-7d9f8c6b5-x2k4p');
    expect(sent).toContain('Mail to [email] failed.');
    expect(record).toMatchObject({
      decisionId: 's1', status: 'answered', endpointHost: new URL(fake.url).host, model: 'big-model', error: null,
      responseText: 'Likely cause: the SMTP password was rotated. Check the kona-smtp secret.', finishedAt: clock.now(),
    });
    expect(record!.removed.email).toBeGreaterThan(0);
    expect(record!.removed.secret).toBeGreaterThan(0);
    expect(record!.removed.name).toBeGreaterThan(0);
    expect(await diagnosesForDecision(db, 's1')).toEqual([record]);
  });

  it('cuts the scrubbed text to maxChars', async () => {
    const record = await diagnoser(policy({ maxChars: 500 })).handle(decision('cut'), { alert: secretsAlert(), history: [], logs: scrubCases.map((c) => c.line) });
    expect(record!.sentText.length).toBeLessThanOrEqual(500);
    expect(record!.sentText).toMatch(/\[cut: the rest exceeded the size limit\]$/);
    expect(fake.requests[0]!.body.messages?.[1]?.content).toBe(record!.sentText);
  });

  it('records an HTTP error, a timeout and an unreachable endpoint as failed, without throwing', async () => {
    fake.answer({ status: 500, body: '{"error":{"message":"overloaded"}}' });
    const r500 = await diagnoser(policy()).handle(decision('f500'), { alert: secretsAlert(), history: [] });
    expect(r500).toMatchObject({ status: 'failed', responseText: null, finishedAt: clock.now() });
    expect(r500!.error).toContain('HTTP 500');
    expect(r500!.sentText).toContain('KonaSmtpAuthFailing');

    // The request timeout runs on the triage clock: moved past it once the request is in flight.
    fake.answer({ hang: true });
    const slowly = diagnoser(policy({ timeoutSeconds: 1 })).handle(decision('fslow'), { history: [] });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2), { timeout: 10_000, interval: 10 });
    clock.advance(1000);
    const slow = await slowly;
    expect(slow).toMatchObject({ status: 'failed', error: 'no answer within 1 s' });

    fake.answer({ content: '' });
    expect(await diagnoser(policy()).handle(decision('fempty'), { history: [] })).toMatchObject({ status: 'failed', error: 'the endpoint answered without a message' });

    const closed = await diagnoser(policy({ endpoint: { url: 'http://127.0.0.1:1/v1', model: 'm' } })).handle(decision('fdown'), { history: [] });
    expect(closed!.status).toBe('failed');
    expect(closed!.error).toMatch(/ECONNREFUSED|fetch failed/);
    expect((await listDiagnoses(db, { limit: 500 })).filter((r) => r.status === 'sending')).toEqual([]);
  });

  it('sends a decision only once, and at most maxPerHour requests per hour', async () => {
    const d = diagnoser(policy());
    const first = await d.handle(decision('once'), { history: [] });
    expect(await d.handle(decision('once'), { history: [] })).toEqual(first);
    expect(fake.requests).toHaveLength(1);
    const sentThisHour = (await listDiagnoses(db, { limit: 500 })).length;
    const capped = diagnoser(policy({ maxPerHour: sentThisHour + 1 }));
    expect((await capped.handle(decision('cap1'), { history: [] }))?.status).toBe('answered');
    expect(await capped.handle(decision('cap2'), { history: [] })).toBeUndefined();
    expect(fake.requests).toHaveLength(2);
    expect(await diagnosesForDecision(db, 'cap2')).toEqual([]);
  });

  it('stop() aborts a request in flight and marks it failed', async () => {
    fake.answer({ hang: true });
    const d = diagnoser(policy());
    const pending = d.handle(decision('stop'), { history: [] });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1), { timeout: 10_000, interval: 10 });
    d.stop();
    expect(await pending).toMatchObject({ status: 'failed', error: 'triage is stopping' });
  });
});

describe('diagnosis policy', () => {
  it('is off when absent and needs an endpoint and alertnames when enabled', () => {
    expect(diagnosisPolicySchema.parse(undefined)).toBeUndefined();
    expect(diagnosisPolicySchema.parse({})).toMatchObject({ enabled: false, alertnames: [], maxChars: 8000, maxPerHour: 20 });
    const bad = diagnosisPolicySchema.safeParse({ enabled: true });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'endpoint: is required when diagnosis is enabled',
      'alertnames: must list at least one alertname when diagnosis is enabled',
    ]);
    expect(diagnosisPolicySchema.safeParse({ endpoint: { url: 'https://u:p@x.example/v1', model: 'm' } }).success).toBe(false);
  });

  it('the example policy file carries both sections, off', () => {
    const policy = loadPolicy(path.join(packageRoot(), 'deploy/triage-policy.example.yaml'));
    expect(policy.diagnosis).toMatchObject({ enabled: false, alertnames: ['TargetDown'], endpoint: { tokenEnv: 'KONA_TRIAGE_DIAGNOSIS_TOKEN' } });
    expect(policy.advisor).toEqual({ enabled: false, model: 'small-instruct-1b', minConfidence: 0.8, timeoutSeconds: 20 });
  });

  it('a bad section stops the policy with the line and the reason', () => {
    expect(() => parsePolicy('rules: []\nadvisor:\n  enabled: true\n  minConfidence: 2\n')).toThrow(
      /triage-policy\.yaml:4:\d+: advisor\.minConfidence: must be between 0 and 1/,
    );
    expect(() => parsePolicy('rules: []\ndiagnosis:\n  enabled: true\n')).toThrow(/diagnosis\.endpoint: is required when diagnosis is enabled/);
  });

  it('builds the chat URL from a base with or without /v1', () => {
    expect(chatUrl('https://x.example/v1/')).toBe('https://x.example/v1/chat/completions');
    expect(chatUrl('https://x.example')).toBe('https://x.example/v1/chat/completions');
  });
});
