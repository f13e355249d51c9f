/** Kysely types of the escalation tables (migrations/triage/0003_escalations.sql); the lead merges them into TriageSchema. */
import type { ColumnType, Generated } from 'kysely';
import type { MessageContext, PendingSend } from './message.js';

type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
/** jsonb: read as parsed JSON, written as JSON text (as in store/schema.ts). */
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** The state of an escalation. */
export type EscalationStatus = 'open' | 'acknowledged' | 'resolved';

/** The escalation tables, to merge into TriageSchema (`interface TriageSchema extends EscalationTables`). */
export interface EscalationTables {
  escalations: {
    id: Generated<string>;
    fingerprint: string;
    decision_id: string;
    last_decision_id: string;
    alertname: string;
    severity: string;
    class: string;
    tier: string;
    status: EscalationStatus;
    context: Json<MessageContext>;
    created_at: Timestamp;
    last_sent_at: NullableTimestamp;
    next_at: NullableTimestamp;
    sends: ColumnType<number, number | undefined, number>;
    pending: NullableJson<PendingSend>;
    acknowledged_at: NullableTimestamp;
    acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
    resolved_at: NullableTimestamp;
  };
  escalation_ack_tokens: {
    token_sha256: string;
    escalation_id: string;
    created_at: Timestamp;
  };
}
