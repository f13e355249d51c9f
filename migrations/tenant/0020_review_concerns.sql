-- What a rescue wants an application review to point out: each concern with the phrase rules that
-- find it (one rule per element; see src/features/ai/screening/rules.ts). The key is what a model
-- cites; concerns are turned off, not deleted, so a flag on an old review keeps its meaning. A new
-- rescue's list is seeded from the defaults the first time it is read.
create table review_concerns (
  id uuid primary key default gen_random_uuid(),
  key text not null unique check (key ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  label text not null check (char_length(label) between 3 and 120),
  rules text[] not null default '{}',
  active boolean not null default true,
  position integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
