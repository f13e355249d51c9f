import type { Kysely } from 'kysely';
import type { MailSender } from '../../platform/mail/index.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';
import { notify } from '../notifications/notifications.public.js';
import { upsertApplicantContact } from '../people/people.public.js';
import { encryptAnswers, type AnsweredQuestion } from './adoptions.answers.js';
import { addressHash, rateLimited, recordAttempt, retryAt } from './apply.limits.js';
import { insertApplication, selectApplicationByKey } from './apply.queries.js';
import { answerField } from './apply.schema.js';
import type { Question } from './questions.service.js';
import { selectTemplate } from './templates.queries.js';
import { renderTemplate } from './templates.render.js';

/** What the public application needs: the rescue's database, the key ring and the job registry (mail). */
export interface ApplyDeps {
  database: Database<TenantSchema>;
  keyRing: KeyRing;
  jobs: JobRegistry;
  rescueName: string;
  /** Who the mail is from (the rescue's name, its Reply-To); Kona's configured From without it. */
  sender?: MailSender;
}

/** A checked submission of the public form. */
export interface Submission {
  dog: { id: string; name: string };
  questions: Question[];
  values: { name: string; email: string; phone: string; address: string } & Record<string, string>;
  idempotencyKey: string;
  clientAddress: string;
}

/** Snapshots each question's wording beside its answer. */
export function answersOf(questions: Question[], values: Record<string, string>): AnsweredQuestion[] {
  return questions.map((q) => ({ questionId: q.id, label: q.label, kind: q.kind, answer: values[answerField(q.id)] ?? '' }));
}

function isKeyClash(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'applications_idempotency_key_key';
}

/** Queues the "application received" email (idempotent: a replay queues nothing new). */
async function queueReceivedMail(deps: ApplyDeps, applicationId: string, to: { name: string; email: string }, dogName: string): Promise<void> {
  const template = await selectTemplate(deps.database.kysely, 'received');
  if (template && !template.enabled) return;
  const values = { applicant_name: to.name, dog_name: dogName, rescue_name: deps.rescueName, interview_at: '', reason: '' };
  const fallback = { subject: 'We received your application for {{dog_name}}', body: 'Hello {{applicant_name}},\n\nThank you for applying to adopt {{dog_name}}. We will be in touch soon.\n\n{{rescue_name}}' };
  const { subject, text } = renderTemplate(template ?? fallback, values);
  await enqueueMail(deps.database, deps.jobs, deps.keyRing, { ...deps.sender, to: to.email, subject, text }, { idempotencyKey: `application-received:${applicationId}` });
}

async function insertAll(deps: ApplyDeps, s: Submission, hash: string): Promise<string> {
  return deps.database.kysely.transaction().execute(async (tx: Kysely<TenantSchema>) => {
    const { contactId } = await upsertApplicantContact(tx, deps.keyRing, s.values);
    const id = await insertApplication(tx, {
      dog_id: s.dog.id, contact_id: contactId, idempotency_key: s.idempotencyKey,
      answers_enc: encryptAnswers(deps.keyRing, answersOf(s.questions, s.values)),
    });
    await recordAttempt(tx, hash);
    await notify(tx, {
      kind: 'application.new', title: `New application for ${s.dog.name}`, link: `/hub/applications/${id}`,
      recipients: { roles: ['admin', 'staff'] }, dedupeKey: `application.new:${id}`,
    });
    return id;
  });
}

/**
 * Takes in an application: a form sent again with the same idempotency key returns the first
 * application and creates nothing; too many from one address is a 429 that says when to retry.
 */
export async function submitApplication(deps: ApplyDeps, s: Submission): Promise<{ applicationId: string; replay: boolean }> {
  const db = deps.database.kysely;
  const existing = await selectApplicationByKey(db, s.idempotencyKey);
  if (existing) {
    await queueReceivedMail(deps, existing.id, s.values, s.dog.name);
    return { applicationId: existing.id, replay: true };
  }
  const hash = addressHash(deps.keyRing, s.clientAddress);
  const at = await retryAt(db, hash);
  if (at) throw rateLimited(at);
  let applicationId: string;
  try {
    applicationId = await insertAll(deps, s, hash);
  } catch (err) {
    // Two copies of one form raced: the first won, the second shows the same confirmation.
    const winner = isKeyClash(err) ? await selectApplicationByKey(db, s.idempotencyKey) : undefined;
    if (!winner) throw err;
    return { applicationId: winner.id, replay: true };
  }
  await queueReceivedMail(deps, applicationId, s.values, s.dog.name);
  return { applicationId, replay: false };
}
