/** Kysely types of the actions table (migrations/triage/0002_actions.sql); the lead merges it into TriageSchema. */
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { TriageSchema } from '../store/schema.js';

type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
/** jsonb: read as parsed JSON, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** An action row's status: planned (observe mode), skipped (a limit or precondition stopped it), executed (awaiting verification), failed (execution error), verified, verify-failed. */
export type ActionStatus = 'planned' | 'skipped' | 'executed' | 'failed' | 'verified' | 'verify-failed';

/** What the verification reads, fixed when the action ran: a Prometheus query, else the executor; plus what the executor noted (e.g. the deleted pod's uid). */
export interface ActionVerifySettings {
  query?: string;
  facts?: Record<string, string>;
}

/** The actions table (a type, not an interface, so Kysely's withTables accepts it). */
export type ActionsSchema = {
  actions: {
    id: Generated<string>;
    decision_id: string;
    fingerprint: string;
    alertname: string;
    name: string;
    target: Json<Record<string, string>>;
    target_key: string;
    mode: 'observe' | 'act';
    status: ActionStatus;
    reason: string;
    created_at: Timestamp;
    executed_at: NullableTimestamp;
    verify_at: NullableTimestamp;
    verified_at: NullableTimestamp;
    result: ColumnType<string | null, string | null | undefined, string | null>;
    verify: ColumnType<ActionVerifySettings, string | undefined, string>;
    acknowledged_at: NullableTimestamp;
  };
};

/** The triage database with the actions table (until the lead merges ActionsSchema into TriageSchema). */
export type ActionsDatabase = Kysely<TriageSchema & ActionsSchema>;

/** The triage database's Kysely handle with the actions table's types added (no query is run). */
export function withActionsTable(db: Kysely<TriageSchema>): ActionsDatabase {
  return db.withTables<ActionsSchema>();
}
