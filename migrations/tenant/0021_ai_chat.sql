-- The chat on one dog's record (ai feature): each member's own conversation per dog. What was asked
-- and answered is encrypted with the key ring (content_enc: JSON); path says whether a model or the
-- record search answered. Deleted with the dog or the member.
create table ai_chat_messages (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id) on delete cascade,
  staff_id uuid not null references staff (id) on delete cascade,
  role text not null check (role in ('user', 'assistant')),
  content_enc text not null,
  path text check (path in ('model', 'simpler')),
  created_at timestamptz not null default now()
);
create index ai_chat_messages_member_dog on ai_chat_messages (staff_id, dog_id, created_at);
