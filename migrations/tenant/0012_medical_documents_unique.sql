-- The same bytes attached twice to the same dog are the same document (as with photos): a second
-- upload, or a double submit, finds the first instead of adding a copy. Per dog, not per rescue:
-- one vet invoice may cover two dogs. Copies made before this migration are removed, keeping the
-- oldest of each (its title, link and uploader); the bytes stay, as the kept row still uses them.
delete from medical_documents d
using medical_documents keep
where keep.dog_id = d.dog_id
  and keep.sha256 = d.sha256
  and (keep.created_at, keep.id) < (d.created_at, d.id);

alter table medical_documents add constraint medical_documents_unique_bytes unique (dog_id, sha256);
