-- AI drafts: every result of an on-site AI helper (issue 16), whichever path made it. Nothing here is
-- published: approving a draft goes through the owning feature's service (a dog's description, a
-- photo's alt text), which writes and audits the change. The output is encrypted with the app's key
-- ring (it is drawn from notes that can name people); the input digest lets a page tell a stale draft.
create table ai_drafts (
  id uuid primary key default gen_random_uuid(),
  feature text not null check (feature ~ '^[a-z][a-z0-9-]{0,39}$'),
  subject_kind text not null check (subject_kind in ('dog', 'photo', 'application', 'document')),
  subject_id uuid not null,
  -- The dog the subject belongs to, so a dog's page lists its drafts and a deleted dog takes them along.
  dog_id uuid references dogs (id) on delete cascade,
  input_digest text not null check (input_digest ~ '^[0-9a-f]{64}$'),
  output_enc text not null,
  model text,
  backend text,
  prompt_version text not null check (prompt_version ~ '^[0-9a-f]{64}$'),
  path text not null check (path in ('model', 'simpler')),
  -- Why the simpler path was taken (off, unreachable, deadline, invalid), for the page's notice.
  fallback_reason text check (fallback_reason in ('off', 'unreachable', 'deadline', 'invalid', 'breakers_open')),
  latency_ms integer not null check (latency_ms >= 0),
  status text not null default 'draft' check (status in ('draft', 'approved', 'edited', 'discarded')),
  created_by uuid references staff (id),
  created_at timestamptz not null default now(),
  decided_by uuid references staff (id),
  decided_at timestamptz,
  constraint ai_drafts_decided check ((status = 'draft') = (decided_at is null)),
  constraint ai_drafts_fallback check ((path = 'simpler') = (fallback_reason is not null))
);
create index ai_drafts_subject on ai_drafts (subject_kind, subject_id, created_at desc);
create index ai_drafts_dog on ai_drafts (dog_id, created_at desc) where status = 'draft';
