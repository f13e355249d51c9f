import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { closeAssignment, selectNotes, selectOpenAssignment } from './fosters.queries.js';

/**
 * Ends a dog's open foster placement because the dog left the rescue's care (an adoption): the
 * placement ends on `endedOn` (YYYY-MM-DD), or on its start day when it started later, and the
 * dog's foster is cleared. Does nothing when the dog has no open placement. Run it in the caller's
 * transaction so the placement ends together with what ended it. Returns the foster whose care ended.
 */
export async function endPlacementOnLeaving(tx: Kysely<TenantSchema>, dogId: string, endedOn: string, reason: 'adopted', actor: Actor): Promise<string | null> {
  const open = await selectOpenAssignment(tx, dogId);
  if (!open) return null;
  const day = endedOn < open.started_on ? open.started_on : endedOn;
  if (!(await closeAssignment(tx, open, { ended_on: day, ended_by: actor.type === 'staff' ? (actor.id ?? null) : null }))) return null;
  await recordAudit(tx, { actor, action: 'foster.ended', target: { type: 'dog', id: dogId }, detail: { foster_id: open.foster_id, ended_on: day, reason } });
  return open.foster_id;
}

// What other features may use of this one, from the files that hold it.
export { isInCareOf } from './fosters.homes.js';
export { assignFoster, fosterHomesToChoose } from './fosters.service.js';

/** The bodies of a dog's latest notes, newest first (the AI bio's simpler path and prompt read them). */
export async function latestNoteBodies(db: Kysely<TenantSchema>, dogId: string, limit: number): Promise<string[]> {
  return (await selectNotes(db, dogId)).slice(0, limit).map((n) => n.body);
}
