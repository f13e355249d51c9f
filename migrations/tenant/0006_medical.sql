-- Medical records: vaccinations, treatments and medications, vet visits. Weights live with the
-- dogs (dog_weights); attached documents come with the uploads work.
-- Days without a time are `date`, read back through to_char so no time zone moves them.
create table vaccinations (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  type text not null check (type in ('rabies', 'dhpp', 'leptospirosis', 'bordetella', 'other')),
  -- Free label: the vaccine's name for 'other', or a brand for the rest.
  label text not null default '' check (length(label) <= 120),
  given_on date not null,
  -- When the next dose is due; null when none is planned.
  due_on date,
  given_by text not null default '' check (length(given_by) <= 200),
  notes text not null default '' check (length(notes) <= 2000),
  created_by uuid references staff (id),
  created_at timestamptz not null default now(),
  constraint vaccinations_other_named check (type <> 'other' or length(label) > 0),
  constraint vaccinations_due_after_given check (due_on is null or due_on > given_on)
);
create index vaccinations_dog on vaccinations (dog_id, given_on desc);
create index vaccinations_due on vaccinations (due_on) where due_on is not null;

create table treatments (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  kind text not null check (kind in ('treatment', 'medication')),
  name text not null check (length(name) between 1 and 200),
  dose text not null default '' check (length(dose) <= 200),
  -- How often, in words ("twice daily", "monthly"): schedules vary too much for a structure yet.
  schedule text not null default '' check (length(schedule) <= 200),
  starts_on date not null,
  ends_on date,
  next_due_on date,
  notes text not null default '' check (length(notes) <= 2000),
  created_by uuid references staff (id),
  created_at timestamptz not null default now(),
  constraint treatments_ends_after_start check (ends_on is null or ends_on >= starts_on),
  constraint treatments_due_after_start check (next_due_on is null or next_due_on >= starts_on)
);
create index treatments_dog on treatments (dog_id, starts_on desc);
create index treatments_due on treatments (next_due_on) where next_due_on is not null;

create table vet_visits (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  clinic text not null check (length(clinic) between 1 and 200),
  visit_on date not null,
  reason text not null check (length(reason) between 1 and 1000),
  outcome text not null default '' check (length(outcome) <= 5000),
  created_by uuid references staff (id),
  created_at timestamptz not null default now()
);
create index vet_visits_dog on vet_visits (dog_id, visit_on desc);
