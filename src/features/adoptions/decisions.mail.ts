import type { Kysely } from 'kysely';
import type { MailSender } from '../../platform/mail/index.js';
import type { RescueLocale } from '../../platform/locale/index.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { readContact } from '../people/people.public.js';
import { insertEvent } from './decisions.queries.js';
import { selectTemplate } from './templates.queries.js';
import { formatInterviewAt, renderTemplate, type TemplateStatus } from './templates.render.js';

type Db = Kysely<TenantSchema>;

/** What the decisions need besides the database: the key ring, the jobs and the rescue's name. */
export interface DecisionDeps {
  db: Db;
  ring: KeyRing;
  jobs: JobRegistry;
  rescueName: string;
  /** The rescue's signed contracts, attached to the adoption receipt; without it the receipt goes alone. */
  contractStore?: BlobStore;
  /** Completion times and the receipt number's year; the system clock when left out. */
  clock?: Clock;
  /** Who the mail is from (the rescue's name, its Reply-To); Kona's configured From without it. */
  sender?: MailSender;
  /** The rescue's time zone, for the interview time in the email (UTC when absent). */
  timeZone?: string;
  /** The rescue's currency, locale and zone, for the receipt's fee and date (the defaults when absent). */
  locale?: RescueLocale;
}

/** The time now on the decisions' clock. */
export function nowOf(deps: Pick<DecisionDeps, 'clock'>): Date {
  return new Date((deps.clock ?? systemClock).now());
}

/** What happened to the applicant's email: queued, template switched off or missing, or no address on file. */
export type MailOutcome = 'queued' | 'off' | 'no-address';

/** One email to one applicant about their application. */
export interface ApplicantMail {
  applicationId: string;
  contactId: string;
  template: TemplateStatus;
  dogName: string;
  interviewAt?: Date | null;
  reason?: string;
  actorId: string | null;
  /** Makes the mail's idempotency key: the status event the email belongs to. */
  eventId: string;
}

/** The transaction as enqueueMail's database (it reads only `.kysely`): the mail is queued together with the change. */
export const inTransaction = (tx: Db) => ({ kysely: tx }) as unknown as Database<TenantSchema>;

/**
 * Renders the rescue's template for a status and queues it to the applicant inside the caller's
 * transaction, recording an `email` event (its subject, encrypted). Nothing is sent when the
 * template is switched off or the applicant left no email address.
 */
export async function emailApplicant(tx: Db, deps: DecisionDeps, mail: ApplicantMail): Promise<MailOutcome> {
  const template = await selectTemplate(tx, mail.template);
  if (!template?.enabled) return 'off';
  const contact = await readContact(tx, deps.ring, mail.contactId);
  if (!contact?.email) return 'no-address';
  const { subject, text } = renderTemplate(template, {
    applicant_name: contact.name, dog_name: mail.dogName, rescue_name: deps.rescueName,
    interview_at: formatInterviewAt(mail.interviewAt ?? null, deps.timeZone), reason: mail.reason ?? '',
  });
  await enqueueMail(inTransaction(tx), deps.jobs, deps.ring, { ...deps.sender, to: contact.email, subject, text }, { idempotencyKey: `application-email:${mail.eventId}` });
  await insertEvent(tx, { application_id: mail.applicationId, kind: 'email', to_status: mail.template === 'received' ? 'new' : mail.template, note_enc: deps.ring.encrypt(subject), actor_id: mail.actorId });
  await recordAudit(tx, { actor: mail.actorId ? { type: 'staff', id: mail.actorId } : { type: 'system' }, action: 'application.emailed', target: { type: 'application', id: mail.applicationId }, detail: { template: mail.template } });
  return 'queued';
}
