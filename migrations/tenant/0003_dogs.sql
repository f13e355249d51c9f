-- Dogs: the record, its status history and its weight history.
-- Dates without a time (birth, intake, weighing) are `date`: a dog is born on a day, not an instant.
create table dogs (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  sex text not null default 'unknown' check (sex in ('male', 'female', 'unknown')),
  -- An estimated age is stored as the birth date it implies, flagged, so it keeps ageing.
  birth_date date,
  birth_date_estimated boolean not null default false,
  breeds text[] not null default '{}',
  size text not null check (size in ('small', 'medium', 'large', 'xl')),
  colour text not null default '' check (length(colour) <= 200),
  microchip text unique check (microchip ~ '^[0-9]{9,15}$'),
  spay_neuter text not null default 'unknown' check (spay_neuter in ('yes', 'no', 'unknown', 'scheduled')),
  intake_date date not null,
  intake_type text not null check (intake_type in ('stray', 'owner_surrender', 'transfer', 'born_in_care', 'return')),
  source text not null default '' check (length(source) <= 200),
  location text not null default '' check (length(location) <= 200),
  -- The fosters feature adds the foreign key when its table exists.
  foster_id uuid,
  good_with_dogs text not null default 'unknown' check (good_with_dogs in ('yes', 'no', 'unknown')),
  good_with_cats text not null default 'unknown' check (good_with_cats in ('yes', 'no', 'unknown')),
  good_with_children text not null default 'unknown' check (good_with_children in ('yes', 'no', 'unknown')),
  energy text check (energy in ('low', 'medium', 'high')),
  special_needs text not null default '' check (length(special_needs) <= 5000),
  adoption_fee_cents integer check (adoption_fee_cents between 0 and 100000000),
  public_description text not null default '' check (length(public_description) <= 5000),
  on_hold boolean not null default false,
  hold_reason text not null default '' check (length(hold_reason) <= 500),
  -- A bonded pair points at each other; the service sets and clears both sides together.
  bonded_with uuid references dogs (id) on delete set null,
  status text not null default 'intake' check (status in (
    'intake', 'medical_hold', 'in_foster', 'available', 'adoption_pending', 'adopted', 'returned', 'transferred_out', 'deceased'
  )),
  status_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint dogs_not_bonded_to_self check (bonded_with <> id)
);
create index dogs_status on dogs (status);
create index dogs_name on dogs (lower(name));
create index dogs_birth_date on dogs (birth_date);
create index dogs_foster on dogs (foster_id) where foster_id is not null;

-- from_status is null on the first row, written when the dog is taken in.
create table dog_status_history (
  id bigint generated always as identity primary key,
  dog_id uuid not null references dogs (id) on delete cascade,
  from_status text,
  to_status text not null,
  reason text not null default '' check (length(reason) <= 1000),
  changed_by uuid references staff (id),
  changed_at timestamptz not null default now()
);
create index dog_status_history_dog on dog_status_history (dog_id, changed_at desc);

create table dog_weights (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  kg numeric(6, 2) not null check (kg > 0 and kg <= 150),
  weighed_on date not null,
  recorded_by uuid references staff (id),
  recorded_at timestamptz not null default now()
);
create index dog_weights_dog on dog_weights (dog_id, weighed_on desc);
