-- The diagnosis tier: each request to the (external, more capable) diagnosis model endpoint, with
-- exactly the scrubbed text that was sent and the answer, so the page can show what left Kona.
-- A row is written BEFORE the request goes out (status 'sending'): even a crash mid-request leaves
-- a record of what was sent.
create table diagnoses (
  id bigint generated always as identity primary key,
  -- Not a foreign key: heartbeat and truncated-group decisions are synthetic, and decisions may be
  -- pruned on their own schedule.
  decision_id text not null,
  fingerprint text not null,
  alertname text not null,
  endpoint_host text not null,
  model text not null,
  sent_text text not null,
  removed jsonb not null default '{}',
  response_text text,
  status text not null check (status in ('sending', 'answered', 'failed')),
  error text,
  created_at timestamptz not null,
  finished_at timestamptz,
  check ((status = 'sending') = (finished_at is null))
);
create index diagnoses_by_decision on diagnoses (decision_id, id);
create index diagnoses_recent on diagnoses (created_at desc, id desc);
