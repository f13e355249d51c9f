-- A vet document that cannot be read (encrypted, no pages, a corrupt file, an image too small, no
-- text) still gets a draft, so its page can say why; no path ran on its text, so the draft records
-- the simpler path with the reason 'unreadable' (issue 16, feature 6).
alter table ai_drafts drop constraint ai_drafts_fallback_reason_check;
alter table ai_drafts add constraint ai_drafts_fallback_reason_check
  check (fallback_reason in ('off', 'unreachable', 'deadline', 'invalid', 'breakers_open', 'refused', 'unreadable'));
