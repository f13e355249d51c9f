-- Password reset links, and every request for one (issue 13). A request for an unknown or disabled
-- email is recorded too, without a token, so the per-email and per-address limits count the same
-- whether or not the account exists. Only the token's sha256 is stored; a link works once.
create table password_resets (
  id uuid primary key default gen_random_uuid(),
  -- Keyed hash of the email asked for (the staff email_hash form), or of an admin-sent link's account.
  account_key text not null,
  -- sha256 of the requesting address; '' for a link an admin sent.
  address_key text not null,
  staff_id uuid references staff (id) on delete cascade,
  token_hash text unique,
  requested_by text not null check (requested_by in ('self', 'admin')),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  check ((token_hash is null) = (staff_id is null))
);
create index password_resets_account on password_resets (account_key, created_at);
create index password_resets_address on password_resets (address_key, created_at);
