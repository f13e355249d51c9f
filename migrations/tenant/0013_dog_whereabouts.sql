-- Where a dog is (at the rescue, with a foster, boarding, at a vet) is recorded apart from its
-- adoption status, so a dog in a foster home can be available, pending or on hold like any other.
-- The status "in foster" is retired.
--
-- whereabouts = 'foster' exactly while the dog has a foster (dogs.foster_id, which mirrors the open
-- placement): the placement is the source of truth, and the check below keeps the two together.
alter table dogs add column whereabouts text not null default 'rescue'
  check (whereabouts in ('rescue', 'foster', 'boarding', 'vet'));

-- Repair the mirror first: foster_id is the open placement's foster, and null without one.
update dogs set foster_id = a.foster_id, updated_at = now()
from foster_assignments a
where a.dog_id = dogs.id and a.ended_on is null and dogs.foster_id is distinct from a.foster_id;
update dogs set foster_id = null, updated_at = now()
where foster_id is not null
  and not exists (select 1 from foster_assignments a where a.dog_id = dogs.id and a.ended_on is null);

update dogs set whereabouts = 'foster' where foster_id is not null;
alter table dogs add constraint dogs_whereabouts_foster check ((whereabouts = 'foster') = (foster_id is not null));

-- The rule for dogs "in foster" (with an open placement or not; those with one are now 'foster'
-- above). Every one becomes "available", and
--   * if its status history says it was "available" right before it went "in foster" (its latest
--     history row is available → in foster), it stays as it was: on hold only if it already was;
--   * otherwise it is put on hold with the reason
--     'Was "in foster" before the upgrade: check and release' (a hold it already had, and its
--     reason, are kept as they were).
-- So no dog appears on the public site that the rescue had not put up for adoption. Each change
-- adds a row to the dog's status history (in foster → available, no staff member) naming the upgrade.
with rule as (
  select d.id,
    coalesce((
      select h.from_status = 'available' and h.to_status = 'in_foster'
      from dog_status_history h
      where h.dog_id = d.id
      order by h.changed_at desc, h.id desc
      limit 1
    ), false) as was_available
  from dogs d
  where d.status = 'in_foster'
), converted as (
  update dogs d set
    status = 'available',
    on_hold = d.on_hold or not r.was_available,
    hold_reason = case
      when d.on_hold or r.was_available then d.hold_reason
      else 'Was "in foster" before the upgrade: check and release'
    end,
    status_changed_at = now(),
    updated_at = now()
  from rule r
  where r.id = d.id
  returning d.id, r.was_available
)
insert into dog_status_history (dog_id, from_status, to_status, reason)
select id, 'in_foster', 'available', case
  when was_available then 'Upgrade: "in foster" is no longer a status (where the dog is is kept apart); it was available before, so it is again.'
  else 'Upgrade: "in foster" is no longer a status (where the dog is is kept apart); put on hold until staff check and release it.'
end
from converted;

alter table dogs drop constraint dogs_status_check;
alter table dogs add constraint dogs_status_check check (status in (
  'intake', 'medical_hold', 'available', 'adoption_pending', 'adopted', 'returned', 'transferred_out', 'deceased'
));
create index dogs_whereabouts on dogs (whereabouts);
