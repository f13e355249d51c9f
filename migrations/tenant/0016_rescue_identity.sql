-- The rescue's own identity (issue 13): how the public site, its mail and its dates and money
-- speak for it. Every field is optional except the locale triple, which defaults to what Kona
-- showed before (UTC days, two-decimal amounts read as euros, British English dates).
alter table rescue_settings
  add column contact_email text not null default '' check (length(contact_email) <= 254),
  add column phone text not null default '' check (length(phone) <= 40),
  add column area text not null default '' check (length(area) <= 200),
  add column website text not null default '' check (length(website) <= 500),
  add column facebook text not null default '' check (length(facebook) <= 500),
  add column instagram text not null default '' check (length(instagram) <= 500),
  add column other_social text not null default '' check (length(other_social) <= 500),
  add column about text not null default '' check (length(about) <= 5000),
  add column accent_colour text not null default '#2f6f4f' check (accent_colour ~ '^#[0-9a-f]{6}$'),
  add column time_zone text not null default 'UTC',
  add column currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  add column locale text not null default 'en-GB',
  -- Default adoption fee per size band (pre-fills a new dog's fee); null: no default.
  add column fee_small_cents integer check (fee_small_cents between 0 and 999999999),
  add column fee_medium_cents integer check (fee_medium_cents between 0 and 999999999),
  add column fee_large_cents integer check (fee_large_cents between 0 and 999999999),
  add column fee_xl_cents integer check (fee_xl_cents between 0 and 999999999),
  -- The logo's stored variants by "<size>.<ext>" (as dog photos keep theirs), null without a logo.
  add column logo_variants jsonb;
