/**
 * Message grouping, the way Alertmanager does it (group_by, group_wait, group_interval): escalations
 * of one tier whose `by` labels agree form a group; a new group's first message waits `waitSeconds`
 * for company, and a group sends at most one message per `intervalMinutes`, carrying every opening,
 * reminder and resolution that is waiting. A resolution of an acknowledged escalation only rides
 * along with the group's next message (its owner is on it; the page shows it resolved); any other
 * resolution is due like an opening. A first firing is never dropped: an alert that resolves before
 * its group's message is still in it. Pure: the escalator keeps the rows and sends.
 */
import type { GroupingSettings } from './escalation.schema.js';
import { buildMessage, messageText, messageTitle, type EscalationMessage, type MessageContext, type MessagePart, type PendingSend } from './message.js';

/** The group an escalation belongs to: its tier and the values of the `by` labels in its message context. */
export function groupKey(grouping: GroupingSettings, tier: string, context: Pick<MessageContext, 'labels'>): string {
  return JSON.stringify([tier, ...grouping.by.map((k) => context.labels[k] ?? '')]);
}

/** A queued message of one escalation (a row's `pending` with `queuedAt`). */
export interface Queued {
  pending: PendingSend & { queuedAt: number };
  /** Acknowledged before its resolution was queued: the resolution only rides along. */
  acknowledged: boolean;
}

/**
 * When a group with these queued messages is due (undefined: nothing makes it due on its own):
 * `waitSeconds` after the oldest waiting message, and never sooner than `intervalMinutes` after the
 * group's last message.
 */
export function groupDueAt(grouping: GroupingSettings, queued: readonly Queued[], lastSentAt: number | undefined): number | undefined {
  const starters = queued.filter((q) => !(q.pending.kind === 'resolved' && q.acknowledged));
  if (starters.length === 0) return undefined;
  const first = Math.min(...starters.map((q) => q.pending.queuedAt)) + grouping.waitSeconds * 1000;
  return lastSentAt === undefined ? first : Math.max(first, lastSentAt + grouping.intervalMinutes * 60_000);
}

const urgency = (p: MessagePart) => (p.kind === 'opened' ? 0 : p.kind === 'repeat' ? 1 : 2) * 2 + (p.context.class === 'unknown' || p.context.class === 'serious' ? 0 : 1);

/** One message for a group's parts, the most urgent first (a single part is an ordinary message). */
export function groupMessage(parts: readonly MessagePart[]): EscalationMessage {
  const sorted = [...parts].sort((a, b) => urgency(a) - urgency(b) || Number(a.escalationId) - Number(b.escalationId));
  const [first, ...rest] = sorted;
  if (first === undefined) throw new Error('a group message needs at least one part');
  if (rest.length === 0) return buildMessage(first);
  const count = (kind: string) => sorted.filter((p) => p.kind === kind).length;
  const what = [['opened', 'new'], ['repeat', 'not acknowledged'], ['resolved', 'resolved']].flatMap(([k, label]) => (count(k!) > 0 ? [`${count(k!)} ${label}`] : []));
  const text = [`${sorted.length} alerts in tier ${first.tier}: ${what.join(', ')}.`, ...sorted.map((p) => messageText(p))].join('\n\n----\n\n');
  return { ...first, parts: sorted, title: `${messageTitle(first.kind, first.context, first.sequence)} and ${rest.length} more`, text };
}
