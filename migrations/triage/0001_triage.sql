-- The alert triage service's own database: every webhook delivery (valid or not), the alerts it
-- carried by fingerprint, their firing/resolved transitions, and every triage decision.

-- Bodies are kept as received, bytes and all (bytea: a malformed body may hold NUL bytes or invalid
-- UTF-8, which text refuses), so a rejected delivery can be inspected and replayed.
create table deliveries (
  id bigint generated always as identity primary key,
  received_at timestamptz not null,
  body bytea not null,
  body_sha256 text not null,
  valid boolean not null,
  problems jsonb not null default '[]',
  receiver text,
  group_key text,
  status text check (status in ('firing', 'resolved')),
  truncated_alerts integer not null default 0,
  alert_count integer not null default 0,
  group_labels jsonb,
  common_labels jsonb,
  common_annotations jsonb,
  route_labels jsonb,
  external_url text,
  notification_reason text,
  -- Alerts whose sent fingerprint differs from the one recomputed from their labels.
  fingerprint_mismatches jsonb not null default '[]',
  -- Set once the engine has decided about it: only processed deliveries count as earlier copies
  -- of a resend, so a delivery whose pass failed does not make its retry look like a duplicate.
  processed_at timestamptz,
  decision_count integer,
  check (valid = (status is not null))
);
create index deliveries_received on deliveries (received_at desc, id desc);
create index deliveries_hash on deliveries (body_sha256, received_at) where processed_at is not null;
create index deliveries_invalid on deliveries (received_at desc, id desc) where not valid;

-- Times Alertmanager sent (starts_at, ends_at) stay text as sent: nanoseconds and Go's zero time.
create table alerts (
  fingerprint text primary key,
  alertname text not null,
  labels jsonb not null,
  annotations jsonb not null,
  status text not null check (status in ('firing', 'resolved')),
  starts_at text not null,
  ends_at text not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  last_route text not null default '' check (last_route in ('', 'act', 'notify', 'diagnose', 'record', 'drop-duplicate'))
);
create index alerts_firing on alerts (alertname) where status = 'firing';
create index alerts_last_seen on alerts (last_seen desc);

create table alert_transitions (
  id bigint generated always as identity primary key,
  fingerprint text not null,
  status text not null check (status in ('firing', 'resolved')),
  at timestamptz not null
);
create index alert_transitions_by_alert on alert_transitions (fingerprint, at);

-- delivery_id is text: heartbeat decisions have no delivery.
create table decisions (
  seq bigint generated always as identity primary key,
  id text not null unique,
  delivery_id text not null,
  fingerprint text not null,
  alertname text not null,
  severity text not null,
  status text not null check (status in ('firing', 'resolved')),
  class text not null check (class in ('routine', 'serious', 'unknown')),
  route text not null check (route in ('act', 'notify', 'diagnose', 'record', 'drop-duplicate')),
  rule text,
  reasons jsonb not null,
  action jsonb,
  mode text not null check (mode in ('observe', 'act')),
  at timestamptz not null
);
create index decisions_by_alert on decisions (fingerprint, at desc, seq desc);
create index decisions_recent on decisions (at desc, seq desc);
