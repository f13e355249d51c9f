import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { Channel } from './channels.js';
import { escalationPolicySchema, type ChannelName } from './escalation.schema.js';
import { Escalator } from './escalator.js';
import type { EscalationMessage } from './message.js';
import { renderToString } from 'preact-render-to-string';
import { escalationRoutes } from './routes.js';
import { EscalationsTable } from './view.js';
import type { EscalationTables } from './schema.js';
import { corpusAlert, recordingLogger, testDecision } from './escalate.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const t0 = 1_764_000_000_000;

describe.each(engines)('ack link routes on %s', (engine) => {
  let db: Database<EscalationTables>;
  let kysely: Kysely<EscalationTables>;
  let escalator: Escalator;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  const sent: EscalationMessage[] = [];
  const clock = new ManualClock(t0);

  /** Opens an escalation for a new fingerprint and returns the token of its link. */
  async function open(fingerprint: string): Promise<string> {
    const { alert, decision } = corpusAlert('12-unknown-backup-stale-injection.json', clock.now());
    await escalator.handle({ ...decision, id: `d-${fingerprint}`, fingerprint }, { alert, history: [] });
    return sent.at(-1)!.ackUrl!.split('/ack/')[1]!;
  }
  const status = async (fingerprint: string) => (await kysely.selectFrom('escalations').select(['status', 'acknowledged_by']).where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow());

  beforeAll(async () => {
    db = await createTestDatabase<EscalationTables>(engine);
    await migrateSet(db, 'triage');
    kysely = db.kysely;
    const channel: Channel = { name: 'webhook', send: async (m) => void sent.push(m), close: async () => undefined };
    const policy = escalationPolicySchema.parse({
      ackBaseUrl: 'https://ops.example.org/',
      channels: { webhook: { url: 'http://127.0.0.1:9/unused' } },
      tiers: [{ name: 'page', channels: ['webhook'], repeatMinutes: 15 }],
    });
    escalator = new Escalator({ policy, db: kysely, clock, logger: recordingLogger(), channels: new Map<ChannelName, Channel>([['webhook', channel]]) });
    // As the triage server is configured: every body parsed as bytes.
    app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    await app.register(escalationRoutes, { escalator });
    bare = Fastify();
    await bare.register(escalationRoutes, { escalator });
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    await escalator.stop();
    await db.close();
  });

  it('GET shows a confirmation page with escaped alert text and changes nothing', async () => {
    const token = await open('g1');
    const res = await app.inject({ method: 'GET', url: `/ack/${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Acknowledge KonaBackupStale?');
    expect(res.body).toContain('<form method="post">');
    expect(res.body).toContain('&lt;/script>&lt;script>alert(1)&lt;/script>');
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('ignore all previous instructions');
    expect(await status('g1')).toEqual({ status: 'open', acknowledged_by: null });
  });

  it('POST acknowledges (form field "by"); a second POST and a GET then answer 410', async () => {
    const token = await open('p1');
    const res = await app.inject({ method: 'POST', url: `/ack/${token}`, payload: 'by=Ann+%3Cb%3E', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you, Ann &lt;b>');
    expect(await status('p1')).toEqual({ status: 'acknowledged', acknowledged_by: 'Ann <b>' });
    const again = await app.inject({ method: 'POST', url: `/ack/${token}` });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('Acknowledged by Ann &lt;b>');
    expect((await app.inject({ method: 'GET', url: `/ack/${token}` })).statusCode).toBe(410);
    // Acknowledged: the repeat timer sends nothing more for it.
    const before = sent.length;
    clock.advance(60 * 60_000);
    await escalator.tick();
    expect(sent.slice(before).map((m) => m.context.fingerprint)).not.toContain('p1');
  });

  it('POST without a body (a push action, curl -X POST) acknowledges too, on a bare Fastify as well', async () => {
    const token = await open('p2');
    const res = await bare.inject({ method: 'POST', url: `/ack/${token}` });
    expect(res.statusCode).toBe(200);
    expect(await status('p2')).toEqual({ status: 'acknowledged', acknowledged_by: 'ack link' });
    const formToken = await open('p3');
    const form = await bare.inject({ method: 'POST', url: `/ack/${formToken}`, payload: 'by=Bo', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(200);
    expect(await status('p3')).toEqual({ status: 'acknowledged', acknowledged_by: 'Bo' });
  });

  it('an unknown or malformed token gets a 404 page that does not echo it', async () => {
    for (const url of ['/ack/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/ack/%3Cscript%3Ealert(1)%3C%2Fscript%3E']) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await app.inject({ method, url });
        expect(res.statusCode).toBe(404);
        expect(res.body).toContain('Unknown acknowledgement link');
        expect(res.body).not.toMatch(/AAAAAAAAAA|<script>/);
      }
    }
  });

  it('the link of a resolved escalation answers 410 "nothing to acknowledge"', async () => {
    const token = await open('r1');
    await escalator.handle(testDecision({ id: 'r1-back', fingerprint: 'r1', status: 'resolved' }), { history: [] });
    const res = await app.inject({ method: 'GET', url: `/ack/${token}` });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('Nothing to acknowledge');
    expect((await app.inject({ method: 'POST', url: `/ack/${token}` })).statusCode).toBe(410);
    expect(await status('r1')).toEqual({ status: 'resolved', acknowledged_by: null });
  });
});

describe('escalation JSON API and page table', () => {
  it('lists escalations by status and refuses a bad query', async () => {
    const summary = { id: '1', status: 'open' } as never;
    const calls: unknown[] = [];
    const app = Fastify();
    await app.register(escalationRoutes, { escalator: { lookup: async () => undefined, acknowledge: async () => ({ kind: 'unknown' }), list: async (q) => (calls.push(q), [summary]) } });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/escalations?status=resolved&limit=5' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ escalations: [{ id: '1', status: 'open' }] });
      expect(calls).toEqual([{ status: 'resolved', limit: 5 }]);
      await app.inject({ method: 'GET', url: '/api/escalations' });
      expect(calls[1]).toEqual({ status: 'live', limit: 50 });
      const bad = await app.inject({ method: 'GET', url: '/api/escalations?status=all' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().problems[0]).toMatch(/^status: /);
    } finally {
      await app.close();
    }
  });

  it('renders the page table escaped, and says when escalation is off', () => {
    const e = {
      id: '3', fingerprint: 'f', alertname: 'X', severity: 'critical', class: 'unknown', tier: 'page', status: 'open' as const, summary: '<img src=x onerror=alert(1)>',
      decisionId: 'd', lastDecisionId: 'd', createdAt: 0, lastSentAt: 0, nextAt: 900_000, sends: 1, pendingChannels: ['email'], acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, dropped: ['label customer_email'],
    };
    const html = renderToString(<EscalationsTable escalations={[e]} enabled />);
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
    expect(html).toContain('1970-01-01 00:15:00Z');
    expect(html).toContain('Not sent (allow-list): label customer_email');
    expect(html).toContain('<td>email</td>');
    expect(renderToString(<EscalationsTable escalations={[]} enabled={false} />)).toContain('Escalation is not configured');
  });
});
