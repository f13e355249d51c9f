-- In-app notifications for a rescue's people, and the staff contact a dog's news goes to.
create table notifications (
  id uuid primary key default gen_random_uuid(),
  staff_id uuid not null references staff (id) on delete cascade,
  kind text not null check (kind in ('application.new', 'foster.note', 'vaccination.due', 'maintenance.announced')),
  title text not null check (length(title) between 1 and 200),
  body text not null default '' check (length(body) <= 2000),
  -- A path below the tenant base (e.g. /hub/dogs/<id>); never an absolute URL.
  link text check (link is null or (link like '/%' and link not like '//%')),
  -- Lets a job notify once per item: a second insert with the same key for the same person is skipped.
  dedupe_key text,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index notifications_dedupe on notifications (staff_id, dedupe_key) where dedupe_key is not null;
-- The hub header's unread count and the list both read by (staff_id, read_at, created_at).
create index notifications_staff_unread on notifications (staff_id, read_at, created_at desc);

-- Who hears about a dog (foster notes, …); falls back to all admins and staff when unset.
alter table dogs add column staff_contact_id uuid references staff (id) on delete set null;
