/**
 * The channels an escalation message goes out through: a generic JSON webhook, email over SMTP
 * (nodemailer, `KONA_SMTP_URL`), and ntfy-style push (the text POSTed to a topic URL with Title,
 * Priority, Tags, Click and Actions headers, as ntfy's publish API documents). A failed send throws
 * a ChannelError that names the channel and a status (HTTP code, SMTP code or error code) and
 * nothing else: URLs, addresses and tokens stay out of logs.
 */
import nodemailer from 'nodemailer';
import type { ChannelName, EscalationSettings } from './escalation.schema.js';
import type { EscalationMessage } from './message.js';

/** A send that failed: the channel and a short status, safe to log. */
export class ChannelError extends Error {
  override name = 'ChannelError';
  constructor(readonly channel: ChannelName, readonly status: string) {
    super(`escalation channel ${channel} failed: ${status}`);
  }
}

/** One configured channel. */
export interface Channel {
  readonly name: ChannelName;
  /** Delivers one message; throws a ChannelError when it could not. */
  send(message: EscalationMessage): Promise<void>;
  close(): Promise<void>;
}

/** What channels need besides the policy. */
export interface ChannelOptions {
  /** Kona's `KONA_SMTP_URL`; required when the email channel is configured. */
  smtpUrl?: string;
  /** Per-send limit (ms). */
  timeoutMs?: number;
}

/** The JSON body the webhook channel POSTs (version 1). */
export function webhookBody(m: EscalationMessage): Record<string, unknown> {
  const c = m.context;
  return {
    version: 1,
    source: 'kona-triage',
    kind: m.kind,
    title: m.title,
    text: m.text,
    ackUrl: m.ackUrl,
    escalation: { id: m.escalationId, tier: m.tier, sequence: m.sequence, createdAt: new Date(m.createdAt).toISOString() },
    alert: { alertname: c.alertname, severity: c.severity, class: c.class, status: m.kind === 'resolved' ? 'resolved' : c.status, fingerprint: c.fingerprint, labels: c.labels, summary: c.summary, runbookUrl: c.runbookUrl },
    decision: c.decision,
    history: c.history,
    // A grouped message: every escalation it covers, with its own ack link (the fields above are the first's).
    ...(m.parts ? { group: m.parts.map((p) => ({ kind: p.kind, escalation: p.escalationId, sequence: p.sequence, ackUrl: p.ackUrl, alertname: p.context.alertname, severity: p.context.severity, class: p.context.class, labels: p.context.labels })) } : {}),
  };
}

/** One line: line breaks and runs of spaces collapsed (subjects and headers). */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** An HTTP header value: printable ASCII as is, anything else as an RFC 2047 encoded word (which ntfy decodes). */
export function headerText(value: string): string {
  const line = oneLine(value);
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

/** ntfy's priority (1 min … 5 urgent) for a message. */
export function ntfyPriority(m: EscalationMessage): number {
  if (m.kind === 'resolved') return 2;
  const bySeverity: Record<string, number> = { page: 5, critical: 4, warning: 3, info: 2, none: 2 };
  const priority = bySeverity[m.context.severity] ?? 4;
  return m.context.class === 'unknown' ? Math.max(priority, 4) : priority;
}

/** The ntfy headers of a message. */
export function ntfyHeaders(m: EscalationMessage, token?: string): Record<string, string> {
  const tags = [m.kind === 'resolved' ? 'white_check_mark' : 'rotating_light', m.context.severity || 'no-severity', m.tier].map((t) => t.replace(/[^A-Za-z0-9_-]/g, ''));
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', Title: headerText(m.title), Priority: String(ntfyPriority(m)), Tags: tags.join(',') };
  // Actions are comma- and semicolon-separated: only URLs without those characters are offered.
  const plainUrl = (u: string | null): u is string => u !== null && !/[,;"\s]/.test(u);
  const actions: string[] = [];
  if (plainUrl(m.ackUrl)) {
    headers.Click = m.ackUrl;
    actions.push(`view, Acknowledge, ${m.ackUrl}`);
  } else if (plainUrl(m.context.runbookUrl)) {
    headers.Click = m.context.runbookUrl;
  }
  if (plainUrl(m.context.runbookUrl)) actions.push(`view, Runbook, ${m.context.runbookUrl}`);
  if (actions.length > 0) headers.Actions = actions.join('; ');
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** A short status of an error: its code (ECONNREFUSED, …), an SMTP response code, or "timeout"/"error". */
function errorStatus(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; responseCode?: unknown; cause?: { code?: unknown; name?: unknown } } | null;
  if (typeof e?.responseCode === 'number') return `SMTP ${e.responseCode}`;
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return 'timeout';
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  return code !== undefined && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'error';
}

async function post(channel: ChannelName, url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    throw new ChannelError(channel, errorStatus(err));
  }
  // The answer's body is not needed; dropping it frees the connection.
  await res.body?.cancel().catch(() => undefined);
  if (!res.ok) throw new ChannelError(channel, `HTTP ${res.status}`);
}

/** Builds the configured channels; throws when email is configured without an SMTP URL (a start-up error). */
export function createChannels(config: EscalationSettings['channels'], opts: ChannelOptions = {}): Map<ChannelName, Channel> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const channels = new Map<ChannelName, Channel>();
  const { webhook, email, ntfy } = config;
  if (webhook !== undefined) {
    channels.set('webhook', {
      name: 'webhook',
      send: (m) => post('webhook', webhook.url, { headers: { ...webhook.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(webhookBody(m)) }, timeoutMs),
      close: async () => undefined,
    });
  }
  if (ntfy !== undefined) {
    channels.set('ntfy', { name: 'ntfy', send: (m) => post('ntfy', ntfy.url, { headers: ntfyHeaders(m, ntfy.token), body: m.text }, timeoutMs), close: async () => undefined });
  }
  if (email !== undefined) {
    if (opts.smtpUrl === undefined || opts.smtpUrl === '') throw new Error('escalation.channels.email is configured but KONA_SMTP_URL is not set: set it, or remove the email channel');
    const transport = nodemailer.createTransport({ url: opts.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs * 3, logger: false, debug: false });
    const from = email.from ?? 'Kona triage <kona-triage@localhost>';
    channels.set('email', {
      name: 'email',
      async send(m) {
        try {
          // Message content must never make nodemailer read a local file or fetch a URL.
          await transport.sendMail({ from, to: email.to, subject: oneLine(m.title), text: m.text, disableFileAccess: true, disableUrlAccess: true });
        } catch (err) {
          throw new ChannelError('email', errorStatus(err));
        }
      },
      close: async () => transport.close(),
    });
  }
  return channels;
}
