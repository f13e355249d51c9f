/** SQL of the escalation tables (both engines: PGlite and PostgreSQL). */
import type { Kysely, Selectable } from 'kysely';
import type { MessageContext, PendingSend } from './message.js';
import type { EscalationStatus, EscalationTables } from './schema.js';

/** One escalation row as read. */
export type EscalationRow = Selectable<EscalationTables['escalations']>;

/** An escalation as the page and the JSON API list it (no context details beyond the summary). */
export interface EscalationSummary {
  id: string;
  fingerprint: string;
  alertname: string;
  severity: string;
  class: string;
  tier: string;
  status: EscalationStatus;
  summary: string | null;
  /** Labels and annotations the allow-list kept out of the messages, by name. */
  dropped: string[];
  decisionId: string;
  lastDecisionId: string;
  createdAt: number;
  lastSentAt: number | null;
  nextAt: number | null;
  sends: number;
  /** Channels whose last message failed and are retried on the next tick. */
  pendingChannels: string[];
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
}

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());

/** The summary of a row. */
export function summarize(r: EscalationRow): EscalationSummary {
  return {
    id: String(r.id), fingerprint: r.fingerprint, alertname: r.alertname, severity: r.severity, class: r.class, tier: r.tier, status: r.status,
    summary: r.context.summary, dropped: r.context.dropped ?? [], decisionId: r.decision_id, lastDecisionId: r.last_decision_id, createdAt: r.created_at.getTime(),
    lastSentAt: ms(r.last_sent_at), nextAt: ms(r.next_at), sends: r.sends, pendingChannels: r.pending?.channels ?? [],
    acknowledgedAt: ms(r.acknowledged_at), acknowledgedBy: r.acknowledged_by, resolvedAt: ms(r.resolved_at),
  };
}

/** Reads and writes escalations and their ack tokens. */
export class EscalationRepo {
  /** Wraps the triage database's Kysely (any schema that includes the escalation tables). */
  constructor(private readonly db: Kysely<EscalationTables>) {}

  /** The open or acknowledged escalation of a fingerprint, if any. */
  async live(fingerprint: string): Promise<EscalationRow | undefined> {
    return this.db.selectFrom('escalations').selectAll().where('fingerprint', '=', fingerprint).where('status', 'in', ['open', 'acknowledged']).executeTakeFirst();
  }

  /** One escalation by id. */
  async get(id: string): Promise<EscalationRow | undefined> {
    return this.db.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Opens an escalation (status open, nothing sent yet). */
  async open(v: { fingerprint: string; decisionId: string; alertname: string; severity: string; class: string; tier: string; context: MessageContext; at: number; nextAt: number }): Promise<EscalationRow> {
    return this.db
      .insertInto('escalations')
      .values({
        fingerprint: v.fingerprint, decision_id: v.decisionId, last_decision_id: v.decisionId, alertname: v.alertname, severity: v.severity, class: v.class,
        tier: v.tier, status: 'open', context: JSON.stringify(v.context), created_at: new Date(v.at), next_at: new Date(v.nextAt),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Attaches a newer decision: its context replaces the stored one, nothing is sent. */
  async attach(id: string, decisionId: string, context: MessageContext): Promise<void> {
    await this.db.updateTable('escalations').set({ last_decision_id: decisionId, context: JSON.stringify(context) }).where('id', '=', id).execute();
  }

  /** Stores an ack token's hash for an escalation. */
  async addToken(id: string, tokenSha256: string, at: number): Promise<void> {
    await this.db.insertInto('escalation_ack_tokens').values({ token_sha256: tokenSha256, escalation_id: id, created_at: new Date(at) }).execute();
  }

  /** Records a message sent (to some or all channels). */
  async recordSend(id: string, v: { at: number; sends: number; nextAt?: number | null; pending: PendingSend | null }): Promise<void> {
    await this.db
      .updateTable('escalations')
      .set({ last_sent_at: new Date(v.at), sends: v.sends, pending: v.pending === null ? null : JSON.stringify(v.pending), ...(v.nextAt !== undefined ? { next_at: v.nextAt === null ? null : new Date(v.nextAt) } : {}) })
      .where('id', '=', id)
      .execute();
  }

  /** Replaces the pending retry (null: nothing left to retry). */
  async setPending(id: string, pending: PendingSend | null): Promise<void> {
    await this.db.updateTable('escalations').set({ pending: pending === null ? null : JSON.stringify(pending) }).where('id', '=', id).execute();
  }

  /** Marks a live escalation resolved; undefined when it was not live any more. */
  async resolve(id: string, at: number): Promise<EscalationRow | undefined> {
    return this.db
      .updateTable('escalations')
      .set({ status: 'resolved', resolved_at: new Date(at), next_at: null, pending: null })
      .where('id', '=', id)
      .where('status', 'in', ['open', 'acknowledged'])
      .returningAll()
      .executeTakeFirst();
  }

  /** Open escalations whose next repeat is due. */
  async due(now: number): Promise<EscalationRow[]> {
    return this.db.selectFrom('escalations').selectAll().where('status', '=', 'open').where('next_at', '<=', new Date(now)).orderBy('next_at').orderBy('id').execute();
  }

  /** Escalations with a message still to retry. */
  async withPending(): Promise<EscalationRow[]> {
    return this.db.selectFrom('escalations').selectAll().where('pending', 'is not', null).orderBy('id').execute();
  }

  /** The escalation an ack token belongs to, if the token is known. */
  async byToken(tokenSha256: string): Promise<EscalationRow | undefined> {
    return this.db
      .selectFrom('escalation_ack_tokens as t')
      .innerJoin('escalations as e', 'e.id', 't.escalation_id')
      .selectAll('e')
      .where('t.token_sha256', '=', tokenSha256)
      .executeTakeFirst();
  }

  /** Acknowledges an open escalation (no more repeats); undefined when it was not open. */
  async acknowledge(id: string, at: number, by: string): Promise<EscalationRow | undefined> {
    return this.db
      .updateTable('escalations')
      .set({ status: 'acknowledged', acknowledged_at: new Date(at), acknowledged_by: by, next_at: null, pending: null })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
  }

  /** Escalations newest first; `live` lists open and acknowledged ones only. */
  async list(opts: { status?: EscalationStatus | 'live'; limit?: number } = {}): Promise<EscalationSummary[]> {
    let q = this.db.selectFrom('escalations').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(500, Math.max(1, opts.limit ?? 50)));
    if (opts.status === 'live') q = q.where('status', 'in', ['open', 'acknowledged']);
    else if (opts.status !== undefined) q = q.where('status', '=', opts.status);
    return (await q.execute()).map(summarize);
  }
}
