-- Adoptions: the rescue's application questions, applications with their history, the public
-- form's rate limit, and the emails sent when an application changes status.

create table application_questions (
  id uuid primary key default gen_random_uuid(),
  position integer not null default 0,
  label text not null check (length(label) between 1 and 300),
  kind text not null check (kind in ('text', 'choice', 'yes_no')),
  choices text[] not null default '{}',
  required boolean not null default false,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  constraint application_questions_choices check (kind <> 'choice' or cardinality(choices) >= 2)
);
create index application_questions_position on application_questions (position, created_at);

-- Defaults every new rescue starts with; admins edit, reorder or deactivate them.
insert into application_questions (position, label, kind, choices, required) values
  (1, 'What type of home do you live in?', 'choice', array['House with a garden', 'House without a garden', 'Flat or apartment', 'Other'], true),
  (2, 'Do you own or rent your home?', 'choice', array['Own', 'Rent', 'Live with family'], true),
  (3, 'Does everyone in your household agree to adopting a dog?', 'yes_no', '{}', true),
  (4, 'Which other pets live with you?', 'text', '{}', false),
  (5, 'Are there children in the home? If so, how old are they?', 'text', '{}', false),
  (6, 'Have you had a dog before? Tell us about your experience.', 'text', '{}', true),
  (7, 'How many hours a day would the dog be left alone?', 'text', '{}', false),
  (8, 'Why would this dog suit your home?', 'text', '{}', false);

create table applications (
  id uuid primary key default gen_random_uuid(),
  dog_id uuid not null references dogs (id),
  contact_id uuid not null references contacts (id),
  status text not null default 'new' check (status in (
    'new', 'in_review', 'interview_scheduled', 'approved', 'denied', 'withdrawn', 'closed', 'completed'
  )),
  -- Encrypted JSON of [{questionId, label, kind, answer}]; labels are snapshotted.
  answers_enc text not null,
  idempotency_key uuid not null unique,
  interview_at timestamptz,
  decision_reason_enc text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);
create index applications_dog on applications (dog_id, created_at desc);
create index applications_contact on applications (contact_id, created_at desc);
create index applications_status on applications (status, created_at desc);

create table application_events (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id) on delete cascade,
  kind text not null check (kind in ('status', 'note', 'email')),
  from_status text,
  to_status text,
  note_enc text,
  actor_id uuid references staff (id) on delete set null,
  created_at timestamptz not null default now()
);
create index application_events_application on application_events (application_id, created_at);

-- One row per public form submission attempt, keyed by a keyed hash of the client address.
create table application_attempts (
  address_hash text not null,
  attempted_at timestamptz not null default now()
);
create index application_attempts_address on application_attempts (address_hash, attempted_at);

create table adoption_email_templates (
  status text primary key check (status in (
    'received', 'in_review', 'interview_scheduled', 'approved', 'denied', 'withdrawn', 'closed', 'completed'
  )),
  subject text not null check (length(subject) between 1 and 300),
  body text not null check (length(body) between 1 and 10000),
  enabled boolean not null default true
);
insert into adoption_email_templates (status, subject, body) values
  ('received', 'We received your application for {{dog_name}}',
   E'Hello {{applicant_name}},\n\nThank you for applying to adopt {{dog_name}}. We have received your application and will be in touch soon.\n\n{{rescue_name}}'),
  ('in_review', 'Your application for {{dog_name}} is being reviewed',
   E'Hello {{applicant_name}},\n\nWe are now reviewing your application to adopt {{dog_name}}. We will contact you about next steps.\n\n{{rescue_name}}'),
  ('interview_scheduled', 'Interview for {{dog_name}}: {{interview_at}}',
   E'Hello {{applicant_name}},\n\nWe would like to meet you to talk about adopting {{dog_name}}. Your interview is scheduled for {{interview_at}}.\n\n{{rescue_name}}'),
  ('approved', 'Your application for {{dog_name}} is approved',
   E'Hello {{applicant_name}},\n\nGood news: your application to adopt {{dog_name}} has been approved. We will contact you to arrange the adoption.\n\n{{rescue_name}}'),
  ('denied', 'Your application for {{dog_name}}',
   E'Hello {{applicant_name}},\n\nThank you for your interest in {{dog_name}}. Unfortunately we cannot approve your application.\n\n{{reason}}\n\n{{rescue_name}}'),
  ('closed', '{{dog_name}} has found a home',
   E'Hello {{applicant_name}},\n\nThank you for applying to adopt {{dog_name}}. {{dog_name}} has now been adopted by another family, so your application is closed. We hope you will find your dog among our other dogs.\n\n{{rescue_name}}'),
  ('completed', 'Welcome home, {{dog_name}}',
   E'Hello {{applicant_name}},\n\nCongratulations: the adoption of {{dog_name}} is complete. Thank you for giving {{dog_name}} a home.\n\n{{rescue_name}}');

-- Set when an adoption is completed.
alter table dogs add column adopter_contact_id uuid references contacts (id);
