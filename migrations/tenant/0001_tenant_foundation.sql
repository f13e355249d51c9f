-- One rescue's database: its settings, staff, sessions, audit log and jobs.
-- pgvector is wanted for photo matching; a server without it (or without the right to enable it)
-- still migrates, and the app reports matching as unavailable.
do $$
begin
  create extension if not exists vector;
exception when undefined_file or insufficient_privilege or feature_not_supported then
  raise notice 'pgvector not enabled: %', sqlerrm;
end $$;

create table rescue_settings (
  id boolean primary key default true check (id),
  name text not null check (length(name) between 1 and 200),
  tagline text not null default '' check (length(tagline) <= 300),
  updated_at timestamptz not null default now()
);

-- Emails and names are encrypted by the application; email_hash is a keyed hash for look-ups.
create table staff (
  id uuid primary key default gen_random_uuid(),
  email_enc text not null,
  email_hash text not null unique,
  name_enc text not null,
  role text not null check (role in ('admin', 'staff', 'foster', 'viewer')),
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now()
);

create table sessions (
  token_hash text primary key,
  staff_id uuid not null references staff (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index sessions_staff on sessions (staff_id);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique,
  email_enc text not null,
  email_hash text not null,
  role text not null check (role in ('admin', 'staff', 'foster', 'viewer')),
  invited_by uuid references staff (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz
);

create table login_attempts (
  id bigint generated always as identity primary key,
  account_key text not null,
  address_key text not null,
  succeeded boolean not null,
  at timestamptz not null default now()
);
create index login_attempts_account on login_attempts (account_key, at);
create index login_attempts_address on login_attempts (address_key, at);

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_type text not null,
  actor_id text,
  action text not null,
  target_type text,
  target_id text,
  detail jsonb not null default '{}'
);
create index audit_log_at on audit_log (at desc);

create function kona_audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function kona_audit_append_only();
