-- Fosters: which foster home cares for a dog and when, and the notes written on a dog's record.
-- A foster home is a staff account with the role foster; dogs.foster_id mirrors the open assignment.

-- 0003 left dogs.foster_id without a foreign key until this table set existed.
update dogs set foster_id = null where foster_id is not null and foster_id not in (select id from staff);
alter table dogs add constraint dogs_foster_id_fkey foreign key (foster_id) references staff (id);

create table foster_assignments (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  foster_id uuid not null references staff (id),
  started_on date not null,
  -- Null while the dog is still in this foster home.
  ended_on date,
  assigned_by uuid references staff (id),
  ended_by uuid references staff (id),
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  constraint foster_assignments_dates check (ended_on is null or ended_on >= started_on)
);
-- At most one open assignment per dog: two people assigning at once cannot both win.
create unique index foster_assignments_one_open on foster_assignments (dog_id) where ended_on is null;
create index foster_assignments_open_by_foster on foster_assignments (foster_id) where ended_on is null;
create index foster_assignments_dog on foster_assignments (dog_id, started_on desc);

-- Plain text, shown escaped. Not PII by policy, but never logged or copied into the audit log.
create table dog_notes (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  author_id uuid references staff (id),
  body text not null check (length(body) between 1 and 5000),
  created_at timestamptz not null default now()
);
create index dog_notes_dog on dog_notes (dog_id, created_at desc);
