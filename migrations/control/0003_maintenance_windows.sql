-- Announced maintenance: every rescue's hub shows a banner before and during a window.
create table maintenance_windows (
  id uuid primary key default gen_random_uuid(),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  message text not null check (length(message) between 1 and 500),
  created_by text,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  check (ends_at > starts_at)
);
create index maintenance_windows_ends on maintenance_windows (ends_at) where cancelled_at is null;
