-- Closing an adoption: one row per completed application with the fee taken (amount, method and
-- the receipt number, unique within the rescue) and how the contract was settled: the signed
-- contract, or a staff override with its reason (encrypted by the application: it may name people).
create table adoption_completions (
  application_id uuid primary key references applications (id) on delete cascade,
  fee_cents integer not null check (fee_cents between 0 and 100000000),
  fee_method text not null check (fee_method in ('cash', 'cheque', 'card_in_person', 'online', 'waived')),
  receipt_number text not null check (length(receipt_number) between 1 and 40),
  contract_id uuid references adoption_contracts (id),
  contract_override_reason_enc text,
  -- The bonded partner adopted together with the dog, if any.
  partner_dog_id uuid references dogs (id),
  completed_by uuid references staff (id) on delete set null,
  completed_at timestamptz not null default now(),
  constraint adoption_completions_waived_free check (fee_method <> 'waived' or fee_cents = 0),
  constraint adoption_completions_contract check ((contract_id is null) <> (contract_override_reason_enc is null))
);
create unique index adoption_completions_receipt on adoption_completions (lower(receipt_number));

-- The bonded partner an approved application holds with its dog (adopted together): set on
-- approval, so undoing the approval frees both dogs and completing adopts both.
alter table applications add column partner_dog_id uuid references dogs (id);
