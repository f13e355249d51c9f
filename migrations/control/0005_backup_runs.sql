-- Backups and restore drills (issue 15): one row per run of a backup layer or a restore drill, so
-- the operator console, the metrics and `kona backup list` read one history.
create table backup_runs (
  id uuid primary key default gen_random_uuid(),
  -- 'base' (pgBackRest), 'dump' (per-tenant logical dump), 'restic' (off-site copy),
  -- 'snapshot' (whole data directory), or 'drill' (a restore drill; `kind` says which).
  layer text not null check (layer in ('base', 'dump', 'restic', 'snapshot', 'drill')),
  -- Drill kind ('pitr', 'dump', 'restic', 'rebuild') or the layer's variant; null when none.
  kind text,
  -- The rescue the run covers; null for runs that cover the whole server or data directory.
  tenant_slug text,
  started_at timestamptz not null,
  finished_at timestamptz,
  status text not null check (status in ('running', 'ok', 'failed')),
  -- Bytes written (backups) or restored (drills); null when unknown.
  bytes bigint,
  -- Where the result lives: a path under the backup directory, a restic snapshot id, a pgBackRest label.
  location text,
  -- Why it failed, in words an operator can act on; never holds a secret.
  error text,
  -- Drill verdict details and RTO, the layer's own figures (JSON).
  details jsonb not null default '{}'::jsonb
);
create index backup_runs_layer_tenant on backup_runs (layer, tenant_slug, started_at desc);
