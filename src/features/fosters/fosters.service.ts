import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { getDog, isOpen } from '../dogs/dogs.public.js';
import { listStaff, type StaffDeps } from '../staff/staff.public.js';
import { closeAssignment, insertAssignment, selectOpenAssignment } from './fosters.queries.js';
import type { AssignFoster } from './fosters.schema.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/** Active staff accounts with the foster role, names decrypted, by name: who a dog can be placed with. */
export async function fosterHomesToChoose(deps: StaffDeps): Promise<{ id: string; name: string }[]> {
  const all = await listStaff(deps);
  return all
    .filter((s) => s.role === 'foster' && s.status === 'active')
    .map((s) => ({ id: s.id, name: s.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// Two people assigning at once: the partial unique index decides, with the same message.
function isOpenAssignmentViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'foster_assignments_one_open';
}

const alreadyInFoster = (dogName: string, since?: string) =>
  new KonaError('KONA_ERR_CONFLICT', `${dogName} is already in a foster home${since ? ` (since ${since})` : ''}. End that placement first, then assign the new foster.`, {
    fields: { foster: 'the dog already has a foster home' },
  });

/**
 * Places a dog with a foster home: the dog is then with a foster (its whereabouts), and its status
 * stays as it is, so an available dog stays on the public site.
 */
export async function assignFoster(deps: StaffDeps, dogId: string, input: AssignFoster, actor: Actor): Promise<void> {
  const { db } = deps;
  const dog = await getDog(db, dogId);
  if (!isOpen(dog.status)) throw new KonaError('KONA_ERR_CONFLICT', `${dog.name}'s record is closed, so the dog cannot be placed in a foster home.`);
  if (input.started_on < dog.intake_date) {
    throw new KonaError('KONA_ERR_VALIDATION', `The placement cannot start before ${dog.name}'s intake on ${dog.intake_date}.`, { fields: { started_on: 'is before the intake date' } });
  }
  const homes = await fosterHomesToChoose(deps);
  if (!homes.some((h) => h.id === input.foster)) {
    throw new KonaError('KONA_ERR_VALIDATION', 'Choose an active foster home from the list.', { fields: { foster: 'is not an active foster at this rescue' } });
  }
  const open = await selectOpenAssignment(db, dogId);
  if (open) throw alreadyInFoster(dog.name, open.started_on);
  try {
    await db.transaction().execute(async (tx) => {
      await insertAssignment(tx, { dog_id: dogId, foster_id: input.foster, started_on: input.started_on, assigned_by: staffId(actor) });
      await recordAudit(tx, { actor, action: 'foster.assigned', target: { type: 'dog', id: dogId }, detail: { foster_id: input.foster, started_on: input.started_on } });
    });
  } catch (err) {
    if (isOpenAssignmentViolation(err)) throw alreadyInFoster(dog.name);
    throw err;
  }
}

/** Ends a dog's current placement on a day: the dog is back at the rescue; the status stays as it is (that is a staff decision). */
export async function endFosterAssignment(db: Db, dogId: string, endedOn: string, actor: Actor): Promise<void> {
  const dog = await getDog(db, dogId);
  const open = await selectOpenAssignment(db, dogId);
  if (!open) throw new KonaError('KONA_ERR_CONFLICT', `${dog.name} is not in a foster home, so there is no placement to end.`);
  if (endedOn < open.started_on) {
    throw new KonaError('KONA_ERR_VALIDATION', `The placement started on ${open.started_on}: it cannot end before that.`, { fields: { ended_on: 'is before the start of the placement' } });
  }
  await db.transaction().execute(async (tx) => {
    if (!(await closeAssignment(tx, open, { ended_on: endedOn, ended_by: staffId(actor) }))) {
      throw new KonaError('KONA_ERR_CONFLICT', 'Someone ended this placement a moment ago. Reload the page.');
    }
    await recordAudit(tx, { actor, action: 'foster.ended', target: { type: 'dog', id: dogId }, detail: { foster_id: open.foster_id, ended_on: endedOn } });
  });
}
