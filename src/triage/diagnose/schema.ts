/** Kysely types of the diagnosis tier's table (migrations/triage/0004_diagnoses.sql); the lead merges them into TriageSchema. */
import type { ColumnType, Generated } from 'kysely';

/** What a diagnosis request came to. */
export type DiagnosisStatus = 'sending' | 'answered' | 'failed';

/** The `diagnoses` table: one row per request to the diagnosis endpoint, with exactly what was sent. */
export interface DiagnosesTable {
  id: Generated<string>;
  decision_id: string;
  fingerprint: string;
  alertname: string;
  /** The endpoint's host (never its token). */
  endpoint_host: string;
  model: string;
  /** The user message exactly as sent (scrubbed); the system prompt is the fixed diagnosisSystemPrompt. */
  sent_text: string;
  /** What the scrubber replaced, by kind (e.g. {"email":2,"secret":1}). */
  removed: ColumnType<Record<string, number>, string, string>;
  response_text: ColumnType<string | null, string | null | undefined, string | null>;
  status: DiagnosisStatus;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date, Date>;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The diagnosis tier's tables, to merge into TriageSchema. */
export interface DiagnosisSchema {
  diagnoses: DiagnosesTable;
}
