-- Escalations (helper F): one row per episode of an alert a human must hear about, from its first
-- notify decision until it is acknowledged by link or resolves. Repeats are driven by next_at, read
-- back from here on every tick, so a restart keeps them.
create table escalations (
  id bigint generated always as identity primary key,
  fingerprint text not null,
  -- The decision that opened it, and the newest notify decision attached to it since.
  decision_id text not null,
  last_decision_id text not null,
  alertname text not null,
  severity text not null,
  class text not null,
  tier text not null,
  status text not null check (status in ('open', 'acknowledged', 'resolved')),
  -- What every message about it carries (alert, labels, reasons, history, action, runbook).
  context jsonb not null,
  created_at timestamptz not null,
  last_sent_at timestamptz,
  -- When the next repeat is due; null once acknowledged or resolved.
  next_at timestamptz,
  sends integer not null default 0,
  -- A message some channels did not take: { kind, channels, attempts }, retried on the next tick.
  pending jsonb,
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz
);
-- At most one live escalation per fingerprint: a new notify decision is attached, never re-sent.
create unique index escalations_live on escalations (fingerprint) where status in ('open', 'acknowledged');
create index escalations_due on escalations (next_at) where status = 'open';
create index escalations_pending on escalations (id) where pending is not null;
create index escalations_recent on escalations (created_at desc, id desc);

-- Ack tokens, by sha256 only: the token itself exists only in the links sent. Every message gets
-- a fresh token (the table cannot give back an old one), and every token of an escalation stays
-- valid until it is acknowledged or resolved, so the link in the first mail still works.
create table escalation_ack_tokens (
  token_sha256 text primary key,
  escalation_id bigint not null references escalations (id) on delete cascade,
  created_at timestamptz not null
);
create index escalation_ack_tokens_by_escalation on escalation_ack_tokens (escalation_id);
