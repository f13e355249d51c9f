-- A draft's simpler path may say the model server refused the request (a 4xx such as a record
-- longer than the model's context), which is not the same notice as "not reachable".
alter table ai_drafts drop constraint ai_drafts_fallback_reason_check;
alter table ai_drafts add constraint ai_drafts_fallback_reason_check
  check (fallback_reason in ('off', 'unreachable', 'deadline', 'invalid', 'breakers_open', 'refused'));
