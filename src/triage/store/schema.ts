/** Kysely types of the triage database (migrations/triage). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;
/** jsonb: read as parsed JSON, written as JSON text (pg would turn JS arrays into SQL arrays). */
type Json<T> = ColumnType<T, string, string>;
type OptionalJson<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** Tables of the triage database. */
export interface TriageSchema {
  deliveries: {
    id: Generated<string>;
    received_at: Timestamp;
    body: ColumnType<Uint8Array, Uint8Array, never>;
    body_sha256: string;
    valid: boolean;
    problems: OptionalJson<string[]>;
    receiver: string | null;
    group_key: string | null;
    status: 'firing' | 'resolved' | null;
    truncated_alerts: ColumnType<number, number | undefined, number>;
    alert_count: ColumnType<number, number | undefined, number>;
    group_labels: NullableJson<Record<string, string>>;
    common_labels: NullableJson<Record<string, string>>;
    common_annotations: NullableJson<Record<string, string>>;
    route_labels: NullableJson<Record<string, string>>;
    external_url: string | null;
    notification_reason: string | null;
    fingerprint_mismatches: OptionalJson<{ alertname: string; sent: string; computed: string }[]>;
    processed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    decision_count: ColumnType<number | null, number | null | undefined, number | null>;
  };
  alerts: {
    fingerprint: string;
    alertname: string;
    labels: Json<Record<string, string>>;
    annotations: Json<Record<string, string>>;
    status: 'firing' | 'resolved';
    starts_at: string;
    ends_at: string;
    first_seen: Timestamp;
    last_seen: Timestamp;
    last_route: string;
  };
  alert_transitions: {
    id: Generated<string>;
    fingerprint: string;
    status: 'firing' | 'resolved';
    at: Timestamp;
  };
  decisions: {
    seq: Generated<string>;
    id: string;
    delivery_id: string;
    fingerprint: string;
    alertname: string;
    severity: string;
    status: 'firing' | 'resolved';
    class: 'routine' | 'serious' | 'unknown';
    route: 'act' | 'notify' | 'diagnose' | 'record' | 'drop-duplicate';
    rule: string | null;
    reasons: Json<string[]>;
    action: NullableJson<{ name: string; target: Record<string, string>; execute: boolean }>;
    mode: 'observe' | 'act';
    at: Timestamp;
  };
  recovery_watches: {
    fingerprint: string;
    labels: Json<Record<string, string>>;
    generator_url: string;
    since: Timestamp;
    pending: boolean;
  };
}
