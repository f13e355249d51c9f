-- Adoption contracts: the rescue's contract template and each contract prepared for an approved
-- application. The rendered text, the signer's typed name, IP address and user agent are personal
-- data: encrypted by the application (key ring). The signing link's token is stored only as sha256.

-- One row at most; without it the built-in default template is used.
create table adoption_contract_template (
  id boolean primary key default true check (id),
  body text not null check (length(body) between 1 and 20000),
  updated_by uuid references staff (id) on delete set null,
  updated_at timestamptz not null default now()
);

create table adoption_contracts (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id) on delete cascade,
  -- The contract text exactly as the adopter reads and signs it (encrypted).
  body_enc text not null,
  -- sha256 (hex) of that text's UTF-8 bytes: recorded in the PDF and checked against it.
  text_sha256 text not null check (text_sha256 ~ '^[0-9a-f]{64}$'),
  token_hash text not null unique,
  expires_at timestamptz not null,
  prepared_by uuid references staff (id) on delete set null,
  prepared_at timestamptz not null default now(),
  -- Set when staff prepare a new contract for the same application: the old link stops working.
  superseded_at timestamptz,
  signed_at timestamptz,
  signature_method text check (signature_method in ('drawn', 'typed')),
  signer_name_enc text,
  signer_ip_enc text,
  signer_ua_enc text,
  -- Blob key (sha256) of the signed PDF in the rescue's content-addressed store.
  pdf_sha256 text check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  constraint adoption_contracts_signed_complete check (
    (signed_at is null) = (pdf_sha256 is null) and (signed_at is null) = (signature_method is null)
  ),
  constraint adoption_contracts_signed_not_superseded check (signed_at is null or superseded_at is null)
);
-- At most one live contract per application.
create unique index adoption_contracts_live on adoption_contracts (application_id) where superseded_at is null;
create index adoption_contracts_application on adoption_contracts (application_id, prepared_at desc);
