-- Dog photos: the original's sha256 names it in the tenant's blob store; derived variants (upright,
-- metadata stripped) are stored content-addressed too, their keys kept per "<size>.<ext>".
create table dog_photos (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  variants jsonb not null,
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  alt_text text not null default '' check (length(alt_text) <= 300),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  is_primary boolean not null default false,
  position integer not null default 0,
  uploaded_by uuid references staff (id),
  approved_by uuid references staff (id),
  created_at timestamptz not null default now(),
  -- The same bytes uploaded again for the same dog are the same photo.
  constraint dog_photos_unique_bytes unique (dog_id, sha256),
  -- Only an approved photo can be the one the public site shows first.
  constraint dog_photos_primary_approved check (not is_primary or status = 'approved')
);
create unique index dog_photos_one_primary on dog_photos (dog_id) where is_primary;
create index dog_photos_dog on dog_photos (dog_id, position);
create index dog_photos_sha on dog_photos (sha256);
