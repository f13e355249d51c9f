-- Catalogue actions triage planned, skipped, executed and verified (src/triage/actions). The rows
-- are also the state of the limits (per-target rate, hourly budget, no repeat after a failure), so
-- the limits and pending verifications survive a restart.
create table actions (
  id bigint generated always as identity primary key,
  decision_id text not null,
  fingerprint text not null,
  alertname text not null,
  name text not null,
  target jsonb not null,
  -- "namespace/name": what the per-target limit and the loop guard compare.
  target_key text not null,
  mode text not null check (mode in ('observe', 'act')),
  status text not null check (status in ('planned', 'skipped', 'executed', 'failed', 'verified', 'verify-failed')),
  reason text not null,
  created_at timestamptz not null,
  executed_at timestamptz,
  verify_at timestamptz,
  verified_at timestamptz,
  -- What the executor or the verification said (never a command's output).
  result text,
  -- The verification settings fixed when it ran: { "query": "…" } (Prometheus) or {} (executor).
  verify jsonb not null default '{}',
  -- Set by a human: a failed action's target may be acted on again.
  acknowledged_at timestamptz
);
create index actions_by_target on actions (target_key, created_at desc);
create index actions_executed on actions (executed_at) where executed_at is not null;
create index actions_pending on actions (verify_at) where status = 'executed';
create index actions_by_fingerprint on actions (fingerprint, created_at desc);
