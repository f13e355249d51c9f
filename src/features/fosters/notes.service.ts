import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { getDog } from '../dogs/dogs.public.js';
import { notifyDogContact } from '../notifications/notifications.public.js';
import { mayWriteNote, type Member } from './fosters.policy.js';
import { insertNote, selectOpenAssignment } from './fosters.queries.js';

/**
 * Adds a note to a dog's timeline. Staff and admins write on any dog; a foster only on a dog in
 * their care now (403 otherwise). The body never reaches the audit log or the logs. A foster's note
 * notifies the dog's staff contact (all admins and staff when it has none), in the same transaction.
 */
export async function addNote(db: Kysely<TenantSchema>, dogId: string, body: string, member: Member): Promise<void> {
  const dog = await getDog(db, dogId);
  const open = await selectOpenAssignment(db, dogId);
  if (!mayWriteNote(member, open?.foster_id ?? null)) {
    const why = member.role === 'foster' ? `Fosters can write notes only for dogs in their care, and ${dog.name} is not in your care.` : 'Your role does not allow writing notes.';
    throw new KonaError('KONA_ERR_FORBIDDEN', `${why} Ask the rescue's staff if you need to add something.`);
  }
  const actor = { type: 'staff' as const, id: member.id };
  await db.transaction().execute(async (tx) => {
    const noteId = await insertNote(tx, { dog_id: dogId, author_id: member.id, body });
    await recordAudit(tx, { actor, action: 'note.added', target: { type: 'dog', id: dogId }, detail: { note_id: noteId, length: body.length } });
    if (member.role === 'foster') {
      // No excerpt: the note stays on the dog's record, and the notification only points there.
      await notifyDogContact(tx, { staffContactId: dog.staff_contact_id }, {
        kind: 'foster.note', title: `New foster note on ${dog.name}`, body: `A foster wrote a note on ${dog.name}'s record.`,
        link: `/hub/dogs/${dogId}`, exceptStaffIds: [member.id],
      });
    }
  });
}
