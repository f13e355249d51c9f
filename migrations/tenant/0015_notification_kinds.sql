-- Staff hear when an adopter signs a contract and when a foster's photo awaits approval.
-- 0009 left the check unnamed, so PostgreSQL (and PGlite) named it notifications_kind_check.
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('application.new', 'foster.note', 'vaccination.due', 'maintenance.announced', 'contract.signed', 'photo.pending'));
