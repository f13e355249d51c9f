-- Viewers see applicants' contact details (email, phone, address) only when the rescue allows it.
alter table rescue_settings add column viewers_see_contact_details boolean not null default false;

-- Two more daily notices: an interview tomorrow (to whoever scheduled it and the dog's staff contact),
-- and a medical item due for a dog in a foster's care (to that foster; vaccination.due stays staff's).
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('application.new', 'foster.note', 'vaccination.due', 'maintenance.announced', 'contract.signed', 'photo.pending',
    'interview.tomorrow', 'medical.due'));
