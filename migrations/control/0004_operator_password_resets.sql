-- Operators can recover their account (issue 13): an optional email on file (encrypted, with a keyed
-- hash to find it), and reset links and requests like a rescue's password_resets.
alter table operators add column email_enc text;
alter table operators add column email_hash text unique;

create table operator_password_resets (
  id uuid primary key default gen_random_uuid(),
  -- Keyed hash of the email asked for; requests for unknown emails are recorded too, without a token.
  account_key text not null,
  address_key text not null,
  operator_id uuid references operators (id) on delete cascade,
  token_hash text unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  check ((token_hash is null) = (operator_id is null))
);
create index operator_password_resets_account on operator_password_resets (account_key, created_at);
create index operator_password_resets_address on operator_password_resets (address_key, created_at);
