import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { dogStatusOf, moveDogStatus, recordDogAdopter } from '../dogs/dogs.public.js';
import { endPlacementOnLeaving } from '../fosters/fosters.public.js';
import { addContactRole } from '../people/people.public.js';
import { emailApplicant, type DecisionDeps, type MailOutcome } from './decisions.mail.js';
import { selectOtherApplications } from './decisions.queries.js';
import { assertUnchanged, getApplication, recordStatusChange } from './decisions.service.js';
import { assertAction, openStatuses } from './decisions.transitions.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/** What completing an adoption did. */
export interface CompletionResult {
  mail: MailOutcome | 'not-asked';
  /** Other applications for the dog that were closed, and how many of their applicants were emailed. */
  closed: number;
  closedEmailed: number;
}

/** Closes every other open application for the dog, emailing each applicant the `closed` template when asked. */
async function closeOthers(tx: Db, deps: DecisionDeps, app: { id: string; dog_id: string; dog_name: string }, emailOthers: boolean, actor: Actor) {
  let emailed = 0;
  const others = await selectOtherApplications(tx, app.dog_id, app.id, openStatuses);
  for (const other of others) {
    const eventId = await recordStatusChange(tx, other, 'closed', {}, actor);
    if (!emailOthers) continue;
    const outcome = await emailApplicant(tx, deps, { applicationId: other.id, contactId: other.contact_id, template: 'closed', dogName: app.dog_name, actorId: staffId(actor), eventId });
    if (outcome === 'queued') emailed++;
  }
  return { closed: others.length, closedEmailed: emailed };
}

/**
 * Completes an approved application in one transaction: the dog becomes adopted with this
 * applicant recorded as its adopter (who also gets the adopter role), its open foster placement ends
 * on the completion day, the application is completed, and every other open application for the dog
 * is closed and its applicant told.
 */
export async function completeAdoption(deps: DecisionDeps, id: string, input: { expected: ApplicationStatus; email: boolean; emailOthers: boolean }, actor: Actor): Promise<CompletionResult> {
  const app = await getApplication(deps.db, id);
  assertUnchanged(app, input.expected);
  assertAction(app.status, 'complete');
  return deps.db.transaction().execute(async (tx) => {
    const dog = (await dogStatusOf(tx, app.dog_id))!;
    if (dog.status !== 'adoption_pending') {
      throw new KonaError('KONA_ERR_CONFLICT', `${dog.name} is ${dog.status.replace(/_/g, ' ')}, not adoption pending, so the adoption cannot be completed. Check the dog's status first.`);
    }
    await moveDogStatus(tx, dog, { to: 'adopted', reason: 'Adoption completed.' }, actor);
    await recordDogAdopter(tx, dog.id, app.contact_id);
    await addContactRole(tx, app.contact_id, 'adopter');
    const completedAt = new Date();
    // The dog leaves its foster's care with the adoption: no more notes or uploads from that foster.
    await endPlacementOnLeaving(tx, dog.id, completedAt.toISOString().slice(0, 10), 'adopted', actor);
    const eventId = await recordStatusChange(tx, app, 'completed', { completed_at: completedAt }, actor);
    await recordAudit(tx, { actor, action: 'adoption.completed', target: { type: 'dog', id: dog.id }, detail: { application: app.id } });
    const others = await closeOthers(tx, deps, app, input.emailOthers, actor);
    const mail = input.email
      ? await emailApplicant(tx, deps, { applicationId: app.id, contactId: app.contact_id, template: 'completed', dogName: app.dog_name, actorId: staffId(actor), eventId })
      : 'not-asked' as const;
    return { mail, ...others };
  });
}
