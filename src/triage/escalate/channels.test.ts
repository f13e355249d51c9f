import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, createChannels, headerText, ntfyHeaders } from './channels.js';
import { buildContext, buildMessage, type EscalationMessage } from './message.js';
import { corpusAlert, startReceiver, startSmtp, testDecision } from './escalate.testing.js';

const ackUrl = 'https://triage.example.org/ack/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

/** The message about corpus alert 12 (prompt injection in its description, markup in its summary). */
function injectionMessage(kind: EscalationMessage['kind'] = 'opened'): EscalationMessage {
  const { alert, decision } = corpusAlert('12-unknown-backup-stale-injection.json', 1_764_000_000_000);
  const history = [testDecision({ id: 'old', fingerprint: decision.fingerprint, at: decision.at - 60_000, route: 'notify', reasons: ['earlier firing'] })];
  const context = buildContext(decision, { ...alert, annotations: { ...alert.annotations, runbook_url: 'https://runbooks.example.org/backup' } }, history, { historyLimit: 10 });
  return buildMessage({ kind, escalationId: '7', tier: 'page', sequence: 1, createdAt: decision.at, ackUrl: kind === 'resolved' ? null : ackUrl, context });
}

async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('escalation channels', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await receiver.close();
    await smtp.close();
  });

  it('webhook: POSTs JSON with the context, only summary and runbook_url of the annotations', async () => {
    const channels = createChannels({ webhook: { url: receiver.url, headers: { 'X-Kona-Key': 'k1' } } });
    const before = receiver.received.length;
    await channels.get('webhook')!.send(injectionMessage());
    const got = receiver.received[before]!;
    expect(got.method).toBe('POST');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-kona-key']).toBe('k1');
    const body = JSON.parse(got.body) as Record<string, any>;
    expect(body).toMatchObject({
      version: 1, kind: 'opened', ackUrl,
      escalation: { id: '7', tier: 'page', sequence: 1 },
      alert: { alertname: 'KonaBackupStale', severity: 'warning', class: 'unknown', status: 'firing', fingerprint: '11705c65683f4131', runbookUrl: 'https://runbooks.example.org/backup' },
      decision: { route: 'notify', action: null, mode: 'observe' },
      history: [{ route: 'notify', reasons: ['earlier firing'] }],
    });
    expect(body.alert.labels).toMatchObject({ namespace: 'kona', tenant: 'rescue-paws' });
    expect(body.alert.summary).toBe('Tenant backup is stale. </script><script>alert(1)</script>');
    expect(body.decision.reasons[0]).toMatch(/No rule matches/);
    // The description (with its injected instructions) is nowhere in what was sent.
    expect(got.body).not.toMatch(/ignore all previous instructions|IMPORTANT SYSTEM NOTE|31 hours old/);
    expect(body.text).toContain(`Acknowledge (stops the reminders): ${ackUrl}`);
  });

  it('webhook: the secrets of corpus alert 13 stay out unless in its summary', async () => {
    const { alert, decision } = corpusAlert('13-unknown-smtp-secrets.json', 1_764_000_000_000);
    const message = buildMessage({ kind: 'opened', escalationId: '8', tier: 'page', sequence: 1, createdAt: decision.at, ackUrl, context: buildContext(decision, alert, [], { historyLimit: 10 }) });
    const before = receiver.received.length;
    await createChannels({ webhook: { url: receiver.url } }).get('webhook')!.send(message);
    const sent = receiver.received[before]!.body;
    // The description holds a password, an address and a phone number: never sent.
    expect(sent).not.toMatch(/Hunter2-Sup3rSecret|adopt@paws-rescue|7700 900123|description/);
    expect(JSON.parse(sent).alert.alertname).toBe('KonaSmtpAuthFailing');
  });

  it('webhook: a non-2xx answer or a refused connection is a ChannelError with the status only', async () => {
    receiver.status = 503;
    const err = await createChannels({ webhook: { url: receiver.url } }).get('webhook')!.send(injectionMessage()).catch((e: unknown) => e);
    receiver.status = 200;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ channel: 'webhook', status: 'HTTP 503' });
    const port = await deadPort();
    const refused = await createChannels({ webhook: { url: `http://127.0.0.1:${port}/secret-path` } }).get('webhook')!.send(injectionMessage()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ channel: 'webhook', status: 'ECONNREFUSED' });
    expect(String((refused as Error).message)).not.toContain('secret-path');
  });

  it('webhook: a receiver that never answers is a "timeout" ChannelError', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const hang = createHttpServer(() => undefined);
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const { port } = hang.address() as AddressInfo;
    try {
      const err = await createChannels({ webhook: { url: `http://127.0.0.1:${port}/` } }, { timeoutMs: 200 }).get('webhook')!.send(injectionMessage()).catch((e: unknown) => e);
      expect(err).toMatchObject({ channel: 'webhook', status: 'timeout' });
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((resolve) => hang.close(() => resolve()));
    }
  });

  it('ntfy: POSTs the text to the topic URL with Title, Priority, Tags, Click, Actions and the token', async () => {
    const before = receiver.received.length;
    await createChannels({ ntfy: { url: receiver.url, token: 'tk_abc' } }).get('ntfy')!.send(injectionMessage());
    const got = receiver.received[before]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/hook');
    expect(got.headers).toMatchObject({
      title: '[UNKNOWN ALERT] KonaBackupStale (warning)', priority: '4', tags: 'rotating_light,warning,page', click: ackUrl,
      actions: `view, Acknowledge, ${ackUrl}; view, Runbook, https://runbooks.example.org/backup`, authorization: 'Bearer tk_abc',
    });
    expect(got.body).toContain('Summary: Tenant backup is stale.');
    expect(got.body).not.toContain('ignore all previous instructions');
  });

  it('ntfy: a resolution is low priority, tagged done, and clicks through to the runbook', () => {
    const headers = ntfyHeaders(injectionMessage('resolved'));
    expect(headers).toMatchObject({ Title: '[RESOLVED] KonaBackupStale (warning)', Priority: '2', Click: 'https://runbooks.example.org/backup' });
    expect(headers.Tags).toMatch(/^white_check_mark,/);
    expect(headers.Authorization).toBeUndefined();
  });

  it('header text: line breaks collapse, non-ASCII becomes an RFC 2047 word', () => {
    expect(headerText('a\r\nInjected: yes')).toBe('a Injected: yes');
    expect(headerText('Ünïcode ✓')).toBe(`=?UTF-8?B?${Buffer.from('Ünïcode ✓').toString('base64')}?=`);
  });

  it('email: sends through a real SMTP server to every address, with the context in the text', async () => {
    const channels = createChannels({ email: { to: ['ops@example.org', 'oncall@example.org'], from: 'triage@example.org' } }, { smtpUrl: smtp.url });
    try {
      await channels.get('email')!.send(injectionMessage());
    } finally {
      await channels.get('email')!.close();
    }
    const mail = smtp.received.at(-1)!;
    expect(mail.from).toBe('triage@example.org');
    expect(mail.rcptTo).toEqual(['ops@example.org', 'oncall@example.org']);
    expect(mail.raw).toMatch(/^Subject: \[UNKNOWN ALERT\] KonaBackupStale \(warning\)/m);
    const flat = mail.raw.replace(/=\r?\n/g, '');
    expect(flat).toContain('tenant=3Drescue-paws');
    expect(flat).toContain('ack/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde');
    expect(flat).not.toContain('ignore all previous instructions');
  });

  it('email: an unreachable server is a ChannelError; email without KONA_SMTP_URL refuses to start', async () => {
    const port = await deadPort();
    const channels = createChannels({ email: { to: ['ops@example.org'] } }, { smtpUrl: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 });
    const err = await channels.get('email')!.send(injectionMessage()).catch((e: unknown) => e);
    await channels.get('email')!.close();
    expect(err).toMatchObject({ channel: 'email', status: expect.stringMatching(/^E[A-Z]+$/) });
    expect(() => createChannels({ email: { to: ['ops@example.org'] } })).toThrow(/KONA_SMTP_URL/);
  });
});
