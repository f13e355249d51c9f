-- The control plane: which rescues exist, where their databases live, and who operates Kona.
create table tenants (
  slug text primary key check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
  name text not null check (length(name) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'disabled')),
  db_kind text not null check (db_kind in ('embedded', 'postgres')),
  -- For server tenants: the connection URL. Embedded tenants live under the data directory.
  db_url text,
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  check ((db_kind = 'embedded') = (db_url is null))
);

create table tenant_hostnames (
  hostname text primary key check (hostname = lower(hostname)),
  tenant_slug text not null references tenants (slug)
);

create table operators (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now()
);

create table operator_sessions (
  token_hash text primary key,
  operator_id uuid not null references operators (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index operator_sessions_operator on operator_sessions (operator_id);

create table login_attempts (
  id bigint generated always as identity primary key,
  account_key text not null,
  address_key text not null,
  succeeded boolean not null,
  at timestamptz not null default now()
);
create index login_attempts_account on login_attempts (account_key, at);
create index login_attempts_address on login_attempts (address_key, at);

-- Cross-tenant events. Append-only: the trigger below refuses updates and deletes.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_type text not null,
  actor_id text,
  action text not null,
  target_type text,
  target_id text,
  tenant_slug text,
  detail jsonb not null default '{}'
);

create function kona_audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function kona_audit_append_only();
