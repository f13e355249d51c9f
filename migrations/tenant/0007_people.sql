-- People: contact records for adopters, applicants, fosters and vets.
-- Names, emails, phones, addresses and notes are encrypted by the application (key ring);
-- email_hash / phone_hash are keyed blind indexes for exact look-ups. They are NOT unique:
-- the same email or phone under another name is flagged as a likely duplicate, not refused.
create table contacts (
  id uuid primary key default gen_random_uuid(),
  roles text[] not null default '{}' check (roles <@ array['adopter', 'applicant', 'foster', 'vet']::text[]),
  name_enc text not null,
  -- Keyed hash of the trimmed, lower-cased email.
  email_enc text,
  email_hash text,
  -- Keyed hash of the phone number's digits only.
  phone_enc text,
  phone_hash text,
  address_enc text,
  notes_enc text,
  -- e.g. a vet clinic's name; not PII.
  organisation text not null default '' check (length(organisation) <= 200),
  created_by uuid references staff (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint contacts_email_pair check ((email_enc is null) = (email_hash is null)),
  constraint contacts_phone_pair check ((phone_enc is null) = (phone_hash is null))
);
create index contacts_email_hash on contacts (email_hash) where email_hash is not null;
create index contacts_phone_hash on contacts (phone_hash) where phone_hash is not null;
create index contacts_created on contacts (created_at desc);
