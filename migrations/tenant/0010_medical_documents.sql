-- Medical documents (vet records: PDF or images) attached to a dog's medical record, optionally to
-- one vaccination, treatment or vet visit. The file is a blob in the rescue's content-addressed
-- store, named by the sha256 of the bytes Kona kept (images re-encoded without metadata); the
-- uploader's file name is kept for display only, never as a path.
create table medical_documents (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
  size_bytes integer not null check (size_bytes > 0),
  title text not null check (length(title) between 1 and 200),
  original_name text not null default '' check (length(original_name) <= 120),
  vaccination_id uuid references vaccinations (id) on delete set null,
  treatment_id uuid references treatments (id) on delete set null,
  visit_id uuid references vet_visits (id) on delete set null,
  uploaded_by uuid references staff (id),
  created_at timestamptz not null default now(),
  constraint medical_documents_one_link check (num_nonnulls(vaccination_id, treatment_id, visit_id) <= 1)
);
create index medical_documents_dog on medical_documents (dog_id, created_at desc);
create index medical_documents_sha on medical_documents (sha256);
create index medical_documents_vaccination on medical_documents (vaccination_id) where vaccination_id is not null;
create index medical_documents_treatment on medical_documents (treatment_id) where treatment_id is not null;
create index medical_documents_visit on medical_documents (visit_id) where visit_id is not null;

-- How often a treatment repeats, so "dose given" can move next_due_on forward by it. The free-text
-- schedule ("twice daily") stays for people; this is the part Kona computes with.
alter table treatments
  add column repeat_every integer check (repeat_every between 1 and 1000),
  add column repeat_unit text check (repeat_unit in ('day', 'week', 'month', 'year')),
  add constraint treatments_repeat_whole check ((repeat_every is null) = (repeat_unit is null));

-- Each dose recorded against a treatment: its history, and the timeline's.
create table treatment_doses (
  id uuid primary key default gen_random_uuid(),
  treatment_id uuid not null references treatments (id) on delete cascade,
  dog_id uuid not null references dogs (id) on delete cascade,
  given_on date not null,
  given_by uuid references staff (id),
  created_at timestamptz not null default now()
);
create index treatment_doses_treatment on treatment_doses (treatment_id, given_on desc);
