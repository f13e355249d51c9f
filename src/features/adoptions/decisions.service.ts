import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { dogStatusOf, moveDogStatus } from '../dogs/dogs.public.js';
import { emailApplicant, type DecisionDeps, type MailOutcome } from './decisions.mail.js';
import { insertEvent, lockDog, selectApplication, selectOtherApplications, updateApplicationStatus, type ApplicationRow, type StatusSet } from './decisions.queries.js';
import { partnerOnApproval, releasePartner } from './decisions.partner.js';
import type { Decision } from './decisions.schema.js';
import { applicationStatusLabel, assertAction } from './decisions.transitions.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/** One application, or a 404. */
export async function getApplication(db: Db, id: string): Promise<ApplicationRow> {
  const row = await selectApplication(db, id);
  if (!row) throw notFound('That application');
  return row;
}

/** Refuses a form made for another status than the application has now (someone acted meanwhile). */
export function assertUnchanged(app: ApplicationRow, expected: ApplicationStatus): void {
  if (app.status === expected) return;
  throw new KonaError('KONA_ERR_CONFLICT', `This application was changed a moment ago: it is now ${applicationStatusLabel(app.status).toLowerCase()}, not ${applicationStatusLabel(expected).toLowerCase()}. Check its history below and try again.`);
}

const stale = () => new KonaError('KONA_ERR_CONFLICT', 'Someone changed this application a moment ago. Reload the page, check its new status and try again.');

/** Moves the application's status (compare-and-set), records the event and the audit entry; returns the event id. */
export async function recordStatusChange(tx: Db, app: { id: string; status: ApplicationStatus }, to: ApplicationStatus, set: StatusSet, actor: Actor, note: string | null = null): Promise<string> {
  if (!(await updateApplicationStatus(tx, app.id, app.status, to, set))) throw stale();
  const eventId = await insertEvent(tx, { application_id: app.id, kind: 'status', from_status: app.status, to_status: to, note_enc: note, actor_id: staffId(actor) });
  await recordAudit(tx, { actor, action: 'application.status_changed', target: { type: 'application', id: app.id }, detail: { from: app.status, to } });
  return eventId;
}

/** Approving puts the dog on adoption pending; one approved application per dog at a time. */
async function holdDogFor(tx: Db, app: ApplicationRow, actor: Actor): Promise<void> {
  await lockDog(tx, app.dog_id);
  const approved = await selectOtherApplications(tx, app.dog_id, app.id, ['approved']);
  if (approved.length > 0) {
    throw new KonaError('KONA_ERR_CONFLICT', `Another application for ${app.dog_name} is already approved. Deny or withdraw that one (or complete it) before approving this one.`);
  }
  const dog = (await dogStatusOf(tx, app.dog_id))!;
  if (dog.status === 'adoption_pending') return;
  if (dog.status !== 'available') {
    throw new KonaError('KONA_ERR_CONFLICT', `${dog.name} is not available for adoption right now (status: ${dog.status.replace(/_/g, ' ')}). Change the dog's status first, then approve.`);
  }
  await moveDogStatus(tx, dog, { to: 'adoption_pending', reason: 'Adoption application approved.' }, actor);
}

/**
 * Denying or withdrawing the approved application makes the dog available again, unless another
 * one is approved. A dog in a foster home stays there: where it is is not its status.
 */
async function releaseDogFrom(tx: Db, app: ApplicationRow, why: string, actor: Actor): Promise<void> {
  await lockDog(tx, app.dog_id);
  const dog = (await dogStatusOf(tx, app.dog_id))!;
  if (dog.status !== 'adoption_pending') return;
  if ((await selectOtherApplications(tx, app.dog_id, app.id, ['approved'])).length > 0) return;
  await moveDogStatus(tx, dog, { to: 'available', reason: why }, actor);
}

/** What a status change did: the new status and what happened to the email. */
export interface DecisionResult {
  to: ApplicationStatus;
  mail: MailOutcome | 'not-asked';
}

/**
 * Applies one action from the detail page (everything but completing the adoption) in one
 * transaction: status, history, the dog's status (and its bonded partner's) where approving or
 * undoing an approval, and the applicant's email when asked for.
 */
export async function decide(deps: DecisionDeps, id: string, input: Decision, actor: Actor): Promise<DecisionResult> {
  if (input.action === 'complete') throw new KonaError('KONA_ERR_BAD_REQUEST', 'Use the "Complete the adoption" form to complete an adoption.');
  const app = await getApplication(deps.db, id);
  assertUnchanged(app, input.expected);
  const to = assertAction(app.status, input.action);
  if (input.action === 'reopen' && ['adopted', 'transferred_out', 'deceased'].includes(app.dog_status)) {
    throw new KonaError('KONA_ERR_CONFLICT', `${app.dog_name} is no longer with the rescue (status: ${app.dog_status.replace(/_/g, ' ')}), so this application cannot be reopened.`);
  }
  const set: StatusSet = {};
  if (input.interviewAt) set.interview_at = input.interviewAt;
  if (input.action === 'deny') set.decision_reason_enc = deps.ring.encrypt(input.reason);
  if (input.action === 'reopen') set.decision_reason_enc = null;
  const note = input.reason ? deps.ring.encrypt(input.reason) : null;
  return deps.db.transaction().execute(async (tx) => {
    if (input.action === 'approve') {
      await holdDogFor(tx, app, actor);
      set.partner_dog_id = await partnerOnApproval(tx, app, input.partner, actor);
    }
    if (app.status === 'approved' && (input.action === 'deny' || input.action === 'withdraw')) {
      await releaseDogFrom(tx, app, `The approved adoption application was ${to}.`, actor);
      await releasePartner(tx, app, `The approved adoption application for the pair was ${to}.`, actor);
      set.partner_dog_id = null;
    }
    const eventId = await recordStatusChange(tx, app, to, set, actor, note);
    if (!input.email) return { to, mail: 'not-asked' as const };
    const mail = await emailApplicant(tx, deps, {
      applicationId: app.id, contactId: app.contact_id, template: to as Exclude<ApplicationStatus, 'new'>, dogName: app.dog_name,
      interviewAt: input.interviewAt ?? app.interview_at, reason: input.reason, actorId: staffId(actor), eventId,
    });
    return { to, mail };
  });
}

/** Adds a staff note (encrypted) to the application's history. */
export async function addApplicationNote(deps: DecisionDeps, id: string, note: string, actor: Actor): Promise<void> {
  await getApplication(deps.db, id);
  await deps.db.transaction().execute(async (tx) => {
    await insertEvent(tx, { application_id: id, kind: 'note', note_enc: deps.ring.encrypt(note), actor_id: staffId(actor) });
    await recordAudit(tx, { actor, action: 'application.note_added', target: { type: 'application', id } });
  });
}
