-- The vet care-team flow (issue 17), the rescue's side. The grant lives in the control plane
-- (vet_access_requests); what is said and sent under it stays in the rescue's own database:
--  - whether verified vets may find the rescue's dogs in care (on unless an admin turns it off);
--  - the message thread of a grant (bodies encrypted), by the vet or by staff;
--  - documents a vet uploads, held as pending until staff accept one into the medical record.
alter table rescue_settings add column vet_search boolean not null default true;

create table vet_messages (
  id uuid primary key default gen_random_uuid(),
  grant_id uuid not null,
  dog_id uuid not null references dogs (id) on delete cascade,
  author_type text not null check (author_type in ('vet', 'staff')),
  -- The vet's id (control plane) or the staff member's id.
  author_id text not null,
  body_enc text not null,
  created_at timestamptz not null default now()
);
create index vet_messages_grant on vet_messages (grant_id, created_at);

create table vet_uploads (
  id uuid primary key default gen_random_uuid(),
  grant_id uuid not null,
  dog_id uuid not null references dogs (id) on delete cascade,
  vet_id text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
  size_bytes integer not null check (size_bytes > 0),
  title text not null check (length(title) between 1 and 200),
  original_name text not null default '' check (length(original_name) <= 120),
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined')),
  decided_by uuid references staff (id),
  decided_at timestamptz,
  medical_document_id uuid references medical_documents (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (grant_id, sha256)
);
create index vet_uploads_dog on vet_uploads (dog_id, status, created_at);

alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('application.new', 'foster.note', 'vaccination.due', 'maintenance.announced', 'contract.signed', 'photo.pending',
    'interview.tomorrow', 'medical.due', 'lostfound.contact', 'vet.request', 'vet.message', 'vet.upload'));
