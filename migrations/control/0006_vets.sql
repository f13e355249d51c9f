-- The vet care-team flow (issue 17). Vets are accounts of Kona itself, not of one rescue: a vet
-- registers, an operator or any rescue's admin verifies them, and they sign in like staff. Their
-- name, clinic, licence number and email are encrypted with the key ring; the email and licence
-- also have keyed hashes, so a second registration with either is found without decrypting.
create table vets (
  id uuid primary key default gen_random_uuid(),
  name_enc text not null,
  clinic_enc text not null,
  -- The clinic's town or area as the vet gave it: shown to rescues, used to rank nearby dogs.
  clinic_area text not null default '' check (length(clinic_area) <= 120),
  licence_enc text not null,
  licence_hash text not null unique,
  email_enc text not null,
  email_hash text not null unique,
  password_hash text not null,
  status text not null default 'pending' check (status in ('pending', 'verified', 'rejected', 'disabled')),
  -- Who verified or rejected the vet: an operator, or a rescue's admin (staff id with its rescue).
  decided_by_type text check (decided_by_type in ('operator', 'staff')),
  decided_by_id text,
  decided_by_tenant text,
  decided_at timestamptz,
  created_at timestamptz not null default now()
);
create index vets_status on vets (status, created_at);

create table vet_sessions (
  token_hash text primary key,
  vet_id uuid not null references vets (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index vet_sessions_vet on vet_sessions (vet_id);

-- A vet's request for access to one dog of one rescue, and, once approved, the grant itself:
-- read access to that dog's medical record and a message thread, until expires_at or revocation.
-- The rescue decides in its hub; every check of a grant reads this row, so a revocation or expiry
-- takes effect on the next request.
create table vet_access_requests (
  id uuid primary key default gen_random_uuid(),
  vet_id uuid not null references vets (id) on delete cascade,
  tenant_slug text not null references tenants (slug) on delete cascade,
  dog_id uuid not null,
  -- Why the vet asks (encrypted: it may describe the dog's condition).
  reason_enc text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'denied', 'revoked', 'withdrawn')),
  decided_by text,
  decision_reason_enc text,
  decided_at timestamptz,
  expires_at timestamptz,
  revoked_by text,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'approved' or status = 'revoked') = (expires_at is not null))
);
create index vet_access_requests_vet on vet_access_requests (vet_id, created_at desc);
create index vet_access_requests_tenant on vet_access_requests (tenant_slug, status, created_at desc);
-- One open request per vet and dog: asking twice finds the first.
create unique index vet_access_requests_open on vet_access_requests (vet_id, tenant_slug, dog_id) where status = 'pending';
