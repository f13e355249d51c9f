import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { ApplicationStatus, FeeMethod, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { liveContractOf } from '../contracts/contracts.public.js';
import { dogStatusOf, moveDogStatus, recordDogAdopter } from '../dogs/dogs.public.js';
import { endPlacementOnLeaving } from '../fosters/fosters.public.js';
import { addContactRole } from '../people/people.public.js';
import { receiptNumberTaken } from './decisions.fees.js';
import { emailApplicant, nowOf, type DecisionDeps, type MailOutcome } from './decisions.mail.js';
import { partnerOnCompletion, type PartnerChoice } from './decisions.partner.js';
import { insertCompletion, lockDog, selectOtherApplications } from './decisions.queries.js';
import { contractPdfFor, emailReceipt } from './decisions.receipt.js';
import { assertUnchanged, getApplication, recordStatusChange } from './decisions.service.js';
import { assertAction, openStatuses } from './decisions.transitions.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/** What completing needs: the form's status, the fee record, the contract override, the partner, whom to email. */
export interface CompletionInput {
  expected: ApplicationStatus;
  feeCents: number;
  feeMethod: FeeMethod;
  receiptNumber: string;
  /** Why the adoption completes without a signed contract; empty when it has one. */
  overrideReason: string;
  partner: PartnerChoice;
  email: boolean;
  emailReceipt: boolean;
  emailOthers: boolean;
}

/** What completing an adoption did. */
export interface CompletionResult {
  mail: MailOutcome | 'not-asked';
  receipt: MailOutcome | 'not-asked';
  /** Other applications for the dog (and an adopted partner) that were closed, and how many of their applicants were emailed. */
  closed: number;
  closedEmailed: number;
  /** The bonded partner adopted together with the dog, if any. */
  partner?: { id: string; name: string };
}

/** Closes every other open application for a dog, emailing each applicant the `closed` template when asked. */
async function closeOthers(tx: Db, deps: DecisionDeps, app: { id: string }, dog: { id: string; name: string }, emailOthers: boolean, actor: Actor) {
  let emailed = 0;
  const others = await selectOtherApplications(tx, dog.id, app.id, openStatuses);
  for (const other of others) {
    const eventId = await recordStatusChange(tx, other, 'closed', {}, actor);
    if (!emailOthers) continue;
    const outcome = await emailApplicant(tx, deps, { applicationId: other.id, contactId: other.contact_id, template: 'closed', dogName: dog.name, actorId: staffId(actor), eventId });
    if (outcome === 'queued') emailed++;
  }
  return { closed: others.length, closedEmailed: emailed };
}

/** The dog leaves the rescue with its adopter: status, adopter, foster placement ended, other applicants told. */
async function adoptDog(tx: Db, deps: DecisionDeps, app: { id: string; contact_id: string }, dog: { id: string; name: string }, input: CompletionInput, completedOn: string, actor: Actor) {
  await recordDogAdopter(tx, dog.id, app.contact_id);
  // The dog leaves its foster's care with the adoption: no more notes or uploads from that foster.
  await endPlacementOnLeaving(tx, dog.id, completedOn, 'adopted', actor);
  return closeOthers(tx, deps, app, dog, input.emailOthers, actor);
}

const receiptTaken = (receipt: string) => new KonaError('KONA_ERR_VALIDATION', `Receipt number ${receipt} is already used by another adoption at this rescue. Give another number.`, {
  fields: { receipt_number: 'is already used by another adoption: give another number' },
});

/** Refuses without a signed contract unless staff override it with a reason; returns the signed contract. */
async function settledContract(deps: DecisionDeps, applicationId: string, overrideReason: string) {
  const contract = await liveContractOf(deps.db, applicationId);
  if (contract?.signedAt) return contract;
  if (overrideReason) return undefined;
  const state = contract ? 'has not signed the contract yet' : 'has no contract yet: prepare it first';
  throw new KonaError('KONA_ERR_VALIDATION', `The adopter ${state}. Wait for the signature, or tick "Complete without a signed contract" and give the reason.`, {
    fields: { contract_override: 'tick it and give a reason to complete without a signed contract' },
  });
}

/** What was settled, for the fee record, the audit log and the adopter's mail. */
interface Settled {
  app: { id: string; contact_id: string; dog_name: string };
  dog: { id: string; name: string };
  partner: { id: string; name: string } | undefined;
  completedAt: Date;
}

/** Stores the fee record and contract settlement, and audits the completion (and an override, without its reason). */
async function recordCompletion(tx: Db, deps: DecisionDeps, s: Settled & { contract: { id: string } | undefined }, input: CompletionInput, actor: Actor) {
  const { app, dog, partner, contract } = s;
  await insertCompletion(tx, {
    application_id: app.id, fee_cents: input.feeCents, fee_method: input.feeMethod, receipt_number: input.receiptNumber,
    contract_id: contract?.id ?? null, contract_override_reason_enc: contract ? null : deps.ring.encrypt(input.overrideReason),
    partner_dog_id: partner?.id ?? null, completed_by: staffId(actor), completed_at: s.completedAt,
  });
  const detail = { application: app.id, fee_method: input.feeMethod, receipt_number: input.receiptNumber, contract: contract ? 'signed' : 'override', ...(partner ? { partner: partner.id } : {}) };
  await recordAudit(tx, { actor, action: 'adoption.completed', target: { type: 'dog', id: dog.id }, detail });
  // The reason itself is kept encrypted with the fee record; the audit log says that it happened.
  if (!contract) await recordAudit(tx, { actor, action: 'adoption.contract_overridden', target: { type: 'application', id: app.id }, detail: { dog: dog.id } });
}

/** The adopter's "completed" email and receipt (with the signed PDF), each when asked for. */
async function emailAdopter(tx: Db, deps: DecisionDeps, s: Settled & { contractPdf: Buffer | undefined; eventId: string }, input: CompletionInput, actor: Actor) {
  const { app, dog, partner } = s;
  const mail = input.email
    ? await emailApplicant(tx, deps, { applicationId: app.id, contactId: app.contact_id, template: 'completed', dogName: app.dog_name, actorId: staffId(actor), eventId: s.eventId })
    : 'not-asked' as const;
  const receipt = input.emailReceipt
    ? await emailReceipt(tx, deps, {
      applicationId: app.id, contactId: app.contact_id, number: input.receiptNumber, feeCents: input.feeCents, method: input.feeMethod,
      dogNames: partner ? [dog.name, partner.name] : [dog.name], completedAt: s.completedAt, contractPdf: s.contractPdf, actorId: staffId(actor),
    })
    : 'not-asked' as const;
  return { mail, receipt };
}

/**
 * Completes an approved application in one transaction: the dog (and its bonded partner when
 * adopted together) becomes adopted with this applicant recorded as adopter, who also gets the
 * adopter role; open foster placements end on the completion day; the fee record is stored with its
 * receipt number (unique in the rescue); every other open application for the dog(s) is closed and
 * its applicant told; and the adopter is emailed the receipt with the signed contract attached.
 * Needs a signed contract, or an override with a reason (audited).
 */
export async function completeAdoption(deps: DecisionDeps, id: string, input: CompletionInput, actor: Actor): Promise<CompletionResult> {
  const app = await getApplication(deps.db, id);
  assertUnchanged(app, input.expected);
  assertAction(app.status, 'complete');
  const contract = await settledContract(deps, app.id, input.overrideReason);
  const contractPdf = input.emailReceipt ? await contractPdfFor(deps, contract?.pdfSha256) : undefined;
  const completedAt = nowOf(deps);
  const completedOn = completedAt.toISOString().slice(0, 10);
  return deps.db.transaction().execute(async (tx) => {
    await lockDog(tx, app.dog_id);
    const dog = (await dogStatusOf(tx, app.dog_id))!;
    if (dog.status !== 'adoption_pending') {
      throw new KonaError('KONA_ERR_CONFLICT', `${dog.name} is ${dog.status.replace(/_/g, ' ')}, not adoption pending, so the adoption cannot be completed. Check the dog's status first.`);
    }
    if (await receiptNumberTaken(tx, input.receiptNumber)) throw receiptTaken(input.receiptNumber);
    await moveDogStatus(tx, dog, { to: 'adopted', reason: 'Adoption completed.' }, actor);
    const partner = await partnerOnCompletion(tx, app, input.partner, actor);
    await addContactRole(tx, app.contact_id, 'adopter');
    const eventId = await recordStatusChange(tx, app, 'completed', { completed_at: completedAt }, actor);
    const others = await adoptDog(tx, deps, app, dog, input, completedOn, actor);
    const partnerOthers = partner ? await adoptDog(tx, deps, app, partner, input, completedOn, actor) : { closed: 0, closedEmailed: 0 };
    await recordCompletion(tx, deps, { app, dog, partner, contract, completedAt }, input, actor);
    const { mail, receipt } = await emailAdopter(tx, deps, { app, dog, partner, contractPdf, completedAt, eventId }, input, actor);
    return {
      mail, receipt, closed: others.closed + partnerOthers.closed, closedEmailed: others.closedEmailed + partnerOthers.closedEmailed,
      ...(partner ? { partner: { id: partner.id, name: partner.name } } : {}),
    };
  }).catch((err: unknown) => {
    // Two adoptions given the same receipt number at the same moment: the unique index let one through.
    const e = err as { code?: string; constraint?: string; message?: string };
    if (e.code === '23505' && `${e.constraint ?? ''} ${e.message ?? ''}`.includes('adoption_completions_receipt')) throw receiptTaken(input.receiptNumber);
    throw err;
  });
}
