-- Lost and found (issue 17): whether the rescue's dogs in care are searched by the public
-- lost-and-found pages (on unless an admin turns it off), the messages people send about a
-- candidate (their details encrypted with the key ring), the per-address attempts the rate
-- limits count (keyed hashes), and the hub notification those messages raise.
alter table rescue_settings add column lost_and_found boolean not null default true;

create table lostfound_contacts (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  name_enc text not null,
  email_enc text not null,
  phone_enc text not null,
  message_enc text not null,
  created_at timestamptz not null default now()
);
create index lostfound_contacts_dog on lostfound_contacts (dog_id, created_at);

create table lostfound_attempts (
  address_hash text not null,
  kind text not null check (kind in ('contact')),
  at timestamptz not null default now()
);
create index lostfound_attempts_hash on lostfound_attempts (address_hash, kind, at);

alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('application.new', 'foster.note', 'vaccination.due', 'maintenance.announced', 'contract.signed', 'photo.pending',
    'interview.tomorrow', 'medical.due', 'lostfound.contact'));
