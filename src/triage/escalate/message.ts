/**
 * What a human is sent about an escalation: the context snapshot kept with it (alert, labels,
 * reasons, recent history, what triage did or would have done, runbook) and its plain-text form.
 * Messages leave the building (a webhook, a mailbox, a push service), so the context is built from
 * the same allow-list as the diagnosis tier: infrastructure labels only, and of the annotations
 * (written by whoever wrote the alerting rule, and able to quote a connection string) only
 * `summary` and `runbook_url`, as plain text, a runbook only when it is an http(s) URL. What passes
 * is scrubbed; what was dropped is named in the stored context for the triage page, never sent.
 */
import { allowAlert } from '../diagnose/allow-list.js';
import type { Scrubber } from '../diagnose/scrub.js';
import type { Decision, PlannedAction } from '../types.js';
import type { ChannelName } from './escalation.schema.js';

/** Why a message is sent: a new escalation, a repeat until acknowledged, or the alert resolved. */
export type MessageKind = 'opened' | 'repeat' | 'resolved';

/** A message some channels did not take, retried on the next tick. */
export interface PendingSend {
  kind: MessageKind;
  channels: ChannelName[];
  attempts: number;
  /** Set while the message waits for its group's next message (grouping.ts), from this time on; unset: a retry. */
  queuedAt?: number;
}

/** One earlier decision about the same fingerprint, as a message lists it. */
export interface HistoryEntry {
  at: number;
  status: string;
  route: string;
  reasons: string[];
}

/** The context an escalation carries in every message (stored as JSON with it). */
export interface MessageContext {
  alertname: string;
  severity: string;
  class: string;
  status: string;
  fingerprint: string;
  labels: Record<string, string>;
  /** The alert's `summary` annotation, plain text, shortened. */
  summary: string | null;
  runbookUrl: string | null;
  decision: { id: string; route: string; rule: string | null; reasons: string[]; mode: string; at: number; action: PlannedAction | null };
  /** Newest first, without the decision itself. */
  history: HistoryEntry[];
  /** Labels and annotations the allow-list kept out, by name (shown on the page; messages only count them). Absent in rows stored before it. */
  dropped?: string[];
}

/** One message as every channel gets it. */
export interface EscalationMessage {
  kind: MessageKind;
  escalationId: string;
  tier: string;
  /** 1 for the first message of the escalation, 2 for the first repeat, … */
  sequence: number;
  createdAt: number;
  /** The ack link (absent on a resolution message: there is nothing left to acknowledge). */
  ackUrl: string | null;
  context: MessageContext;
  /** Every escalation a grouped message covers, this one first (absent: it covers only this one). */
  parts?: MessagePart[];
  /** One line, for a mail subject or a push title. */
  title: string;
  /** The whole message as plain text. */
  text: string;
}

/** What the escalator knows about the alert besides the decision (the lead passes it). */
export interface AlertContext {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const maxSummary = 500;
const maxLabel = 300;

/** Text with control characters (but newlines and tabs) removed and a length cap, for plain-text output. */
export function plainText(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  const cleaned = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** The URL when it is a plain http(s) URL, else null (a `javascript:` runbook never becomes a link). */
export function safeHttpUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/**
 * An alert's runbook link when nothing in it (decoded: %20 hides a name's edge) is personal data or
 * a secret; a link that would need scrubbing is dropped whole, a half-scrubbed URL being useless.
 */
function cleanLink(link: string | undefined, scrubber: Scrubber | undefined): string | undefined {
  if (link === undefined || scrubber === undefined) return link;
  let decoded: string;
  try {
    decoded = decodeURIComponent(link.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
  return scrubber.scrub(link).text === link && scrubber.scrub(decoded).text === decoded ? link : undefined;
}

/**
 * Builds the context snapshot of a decision; `runbook` is the matched rule's, which wins over the
 * annotation. Only allow-listed labels and annotations are taken; with a scrubber, their values,
 * the reasons and the history are scrubbed too.
 */
export function buildContext(
  decision: Decision,
  alert: AlertContext | undefined,
  history: readonly Decision[],
  opts: { historyLimit: number; runbook?: string; scrubber?: Scrubber },
): MessageContext {
  const allowed = allowAlert(alert ?? { labels: {} });
  const clean = (text: string): string => (opts.scrubber ? opts.scrubber.scrub(text).text : text);
  const labels = Object.fromEntries(Object.entries(allowed.labels).map(([k, v]) => [plainText(k, 100), plainText(clean(v), maxLabel)]));
  const rawSummary = allowed.annotations.summary;
  const summary = rawSummary === undefined ? undefined : clean(rawSummary);
  const runbookAnnotation = allowed.annotations.runbook_url;
  return {
    alertname: clean(decision.alertname),
    severity: clean(decision.severity),
    class: decision.class,
    status: decision.status,
    fingerprint: decision.fingerprint,
    labels,
    summary: summary === undefined ? null : plainText(summary, maxSummary),
    runbookUrl: safeHttpUrl(opts.runbook) ?? safeHttpUrl(cleanLink(runbookAnnotation, opts.scrubber)),
    decision: { id: decision.id, route: decision.route, rule: decision.rule, reasons: decision.reasons.map(clean), mode: decision.mode, at: decision.at, action: decision.action },
    history: history
      .filter((d) => d.id !== decision.id)
      .sort((a, b) => b.at - a.at)
      .slice(0, opts.historyLimit)
      .map((d) => ({ at: d.at, status: d.status, route: d.route, reasons: d.reasons.map(clean) })),
    dropped: allowed.dropped,
  };
}

/** What triage did or would have done, in words. */
export function describeAction(action: PlannedAction | null, mode: string): string {
  if (action === null) return 'Nothing: no catalogue action applies; a human decides.';
  const target = Object.entries(action.target).map(([k, v]) => `${k}=${v}`).join(' ');
  if (action.execute) return `Ran ${action.name} on ${target}.`;
  return mode === 'observe' ? `Would run ${action.name} on ${target} (observe mode: nothing executed).` : `Did not run ${action.name} on ${target} (see the reasons).`;
}

/** The one-line title of a message. */
export function messageTitle(kind: MessageKind, context: MessageContext, sequence: number): string {
  const what = `${context.alertname}${context.severity ? ` (${context.severity})` : ''}`;
  if (kind === 'resolved') return `[RESOLVED] ${what}`;
  return kind === 'repeat' ? `[REMINDER ${sequence - 1}, not acknowledged] ${what}` : `[${context.class === 'unknown' ? 'UNKNOWN ALERT' : 'ALERT'}] ${what}`;
}

/** The message as plain text (mail body, push body, webhook `text`). */
export function messageText(m: Omit<EscalationMessage, 'text' | 'title'>): string {
  const c = m.context;
  const lines = [
    `${c.alertname} — severity ${c.severity || 'none'}, class ${c.class}, ${m.kind === 'resolved' ? 'resolved' : c.status}`,
    `Escalation #${m.escalationId}, tier ${m.tier}, message ${m.sequence}, opened ${new Date(m.createdAt).toISOString()}`,
  ];
  if (m.kind === 'resolved') lines.push('', 'The alert has resolved: no more reminders will be sent.');
  if (c.summary !== null) lines.push('', `Summary: ${c.summary}`);
  const labels = Object.entries(c.labels);
  if (labels.length > 0) lines.push('', 'Labels:', ...labels.map(([k, v]) => `  ${k}=${v}`));
  const dropped = c.dropped?.length ?? 0;
  if (dropped > 0) lines.push(`  (${dropped} other label${dropped === 1 ? '' : 's'} or annotation${dropped === 1 ? '' : 's'} left out by the allow-list: see the triage page)`);
  lines.push('', 'Why triage escalated:', ...c.decision.reasons.map((r) => `  - ${r}`));
  lines.push('', `What triage did: ${describeAction(c.decision.action, c.decision.mode)}`);
  if (c.runbookUrl !== null) lines.push(`Runbook: ${c.runbookUrl}`);
  if (c.history.length > 0) {
    lines.push('', 'Recent history of this alert (newest first):');
    for (const h of c.history) lines.push(`  ${new Date(h.at).toISOString()} ${h.status} → ${h.route}${h.reasons[0] ? `: ${h.reasons[0]}` : ''}`);
  }
  if (m.ackUrl !== null) lines.push('', `Acknowledge (stops the reminders): ${m.ackUrl}`);
  return lines.join('\n');
}

/** One escalation's part of a grouped message. */
export type MessagePart = Omit<EscalationMessage, 'text' | 'title' | 'parts'>;

/** A complete message. */
export function buildMessage(m: Omit<EscalationMessage, 'text' | 'title'>): EscalationMessage {
  return { ...m, title: messageTitle(m.kind, m.context, m.sequence), text: messageText(m) };
}
