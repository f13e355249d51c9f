-- Durable background jobs of the control plane (operator work), claimed with FOR UPDATE SKIP LOCKED.
create table jobs (
  id bigint generated always as identity primary key,
  name text not null,
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts >= 1),
  run_at timestamptz not null default now(),
  locked_at timestamptz,
  locked_by text,
  last_error text,
  idempotency_key text unique,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_due on jobs (run_at) where status = 'queued';
create index jobs_failed on jobs (finished_at desc) where status = 'failed';

create table job_schedules (
  name text primary key,
  cron text not null,
  next_run_at timestamptz not null
);
