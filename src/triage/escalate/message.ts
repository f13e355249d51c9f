/**
 * What a human is sent about an escalation: the context snapshot kept with it (alert, labels,
 * reasons, recent history, what triage did or would have done, runbook) and its plain-text form.
 * Annotations are written by whoever wrote the alerting rule and may carry prompt injections or
 * secrets (a description quoting a connection string): only `summary` and `runbook_url` are taken,
 * as plain text, and a runbook is kept only when it is an http(s) URL.
 */
import type { Decision, PlannedAction } from '../types.js';
import type { ChannelName } from './escalation.schema.js';

/** Why a message is sent: a new escalation, a repeat until acknowledged, or the alert resolved. */
export type MessageKind = 'opened' | 'repeat' | 'resolved';

/** A message some channels did not take, retried on the next tick. */
export interface PendingSend {
  kind: MessageKind;
  channels: ChannelName[];
  attempts: number;
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

/** Builds the context snapshot of a decision; `runbook` is the matched rule's, which wins over the annotation. */
export function buildContext(decision: Decision, alert: AlertContext | undefined, history: readonly Decision[], opts: { historyLimit: number; runbook?: string }): MessageContext {
  const labels = Object.fromEntries(Object.entries(alert?.labels ?? {}).map(([k, v]) => [plainText(k, 100), plainText(v, maxLabel)]));
  const summary = alert?.annotations.summary;
  return {
    alertname: decision.alertname,
    severity: decision.severity,
    class: decision.class,
    status: decision.status,
    fingerprint: decision.fingerprint,
    labels,
    summary: summary === undefined ? null : plainText(summary, maxSummary),
    runbookUrl: safeHttpUrl(opts.runbook) ?? safeHttpUrl(alert?.annotations.runbook_url),
    decision: { id: decision.id, route: decision.route, rule: decision.rule, reasons: decision.reasons, mode: decision.mode, at: decision.at, action: decision.action },
    history: history
      .filter((d) => d.id !== decision.id)
      .sort((a, b) => b.at - a.at)
      .slice(0, opts.historyLimit)
      .map((d) => ({ at: d.at, status: d.status, route: d.route, reasons: d.reasons })),
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

/** A complete message. */
export function buildMessage(m: Omit<EscalationMessage, 'text' | 'title'>): EscalationMessage {
  return { ...m, title: messageTitle(m.kind, m.context, m.sequence), text: messageText(m) };
}
