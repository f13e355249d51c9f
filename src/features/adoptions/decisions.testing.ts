import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { openMail, sealedMailSchema, type MailMessage } from '../../platform/mail/index.js';
import { changeDogStatus } from '../dogs/dogs.public.js';
import { dogFormSchema } from '../dogs/dogs.public.js';
import { createDog } from '../dogs/dogs.public.js';
import { upsertApplicantContact } from '../people/people.public.js';
import { encryptAnswers } from './adoptions.public.js';
import { completeAdoption } from './decisions.complete.js';
import type { DecisionDeps } from './decisions.mail.js';
import { decisionSchema } from './decisions.schema.js';
import { decide } from './decisions.service.js';

type Db = Kysely<TenantSchema>;
const system: Actor = { type: 'system' };

/** Adds a dog and makes it available (tests only). */
export async function addAvailableDog(db: Db, name: string): Promise<string> {
  const id = await createDog(db, dogFormSchema.parse({ name, size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', public_description: `${name} is lovely.` }), system);
  await changeDogStatus(db, id, { to: 'available', reason: 'Ready' }, system);
  return id;
}

/** Stores an application as the public form would (tests only): the contact, the encrypted answers, the row. */
export async function addApplication(db: Db, ring: KeyRing, a: { dogId: string; name: string; email: string; phone?: string; answers?: [string, string][]; createdAt?: Date }) {
  const { contactId } = await upsertApplicantContact(db, ring, { name: a.name, email: a.email, phone: a.phone });
  const answers = (a.answers ?? [['Why would this dog suit your home?', 'We love long walks.']]).map(([label, answer]) => ({ questionId: randomUUID(), label, kind: 'text' as const, answer }));
  const { id } = await db.insertInto('applications').values({
    dog_id: a.dogId, contact_id: contactId, answers_enc: encryptAnswers(ring, answers), idempotency_key: randomUUID(),
    ...(a.createdAt ? { created_at: a.createdAt } : {}),
  }).returning('id').executeTakeFirstOrThrow();
  return { id, contactId };
}

/** What the completion form needs besides the status (tests only): a fee paid in cash, a fresh receipt number, an override. */
export function completionForm(o: Record<string, string> = {}): Record<string, string> {
  return { expected: 'approved', fee: '150', fee_method: 'cash', receipt_number: `T-${randomUUID().slice(0, 8)}`, contract_override: 'yes', override_reason: 'Signed on paper at the handover.', ...o };
}

/** Approves an application for the dog the honest way, through review and approval (tests only): the dog becomes adoption pending. */
export async function approveThroughApplication(deps: DecisionDeps, dogId: string, adopter: { name: string; email: string }, partner: 'together' | 'stays' = 'together', actor: Actor = system) {
  const app = await addApplication(deps.db, deps.ring, { dogId, ...adopter });
  await decide(deps, app.id, decisionSchema.parse({ action: 'review', expected: 'new' }), actor);
  await decide(deps, app.id, decisionSchema.parse({ action: 'approve', expected: 'in_review', partner }), actor);
  return app;
}

/** Adopts a dog the honest way (tests only): an application approved and completed with a cash fee and a contract override. */
export async function adoptThroughApplication(deps: DecisionDeps, dogId: string, adopter = { name: 'Ada Adopter', email: 'ada.adopter@example.org' }, actor: Actor = system) {
  const app = await approveThroughApplication(deps, dogId, adopter, 'together', actor);
  await completeAdoption(deps, app.id, {
    expected: 'approved', feeCents: 15000, feeMethod: 'cash', receiptNumber: `T-${randomUUID().slice(0, 8)}`, overrideReason: 'Signed on paper (test).',
    partner: 'together', email: false, emailReceipt: false, emailOthers: false,
  }, actor);
  return app;
}

/** The queued `mail.send` jobs of a database, opened (tests only). */
export async function queuedMail(db: Db, ring: KeyRing): Promise<MailMessage[]> {
  const rows = await db.selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => openMail(sealedMailSchema.parse(typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload), ring));
}
