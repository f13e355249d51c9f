import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { FeeMethod, TenantSchema } from '../../platform/db/schema.js';
import { enqueueMail, maxMailAttachmentBytes, type MailAttachment } from '../../platform/mail/index.js';
import { defaultRescueLocale, formatDate, formatMoney, type RescueLocale } from '../../platform/locale/index.js';
import { TooLargeError } from '../../platform/storage/index.js';
import { signedContractPdf } from '../contracts/contracts.public.js';
import { readContact } from '../people/people.public.js';
import { feeMethodLabel } from './decisions.fees.js';
import { inTransaction, type DecisionDeps, type MailOutcome } from './decisions.mail.js';
import { insertEvent } from './decisions.queries.js';

type Db = Kysely<TenantSchema>;

/** What the adopter's receipt says. */
export interface Receipt {
  applicationId: string;
  contactId: string;
  number: string;
  feeCents: number;
  method: FeeMethod;
  /** The dog, and its bonded partner when adopted together. */
  dogNames: string[];
  completedAt: Date;
  /** The signed contract, when there is one and it could be read. */
  contractPdf?: Buffer;
  actorId: string | null;
}

/** Reads a signed contract's PDF to attach it; undefined when there is none, it is missing or too large to mail. */
export async function contractPdfFor(deps: DecisionDeps, pdfSha256: string | null | undefined): Promise<Buffer | undefined> {
  if (!pdfSha256 || !deps.contractStore) return undefined;
  try {
    return await signedContractPdf(deps.contractStore, pdfSha256, maxMailAttachmentBytes);
  } catch (err) {
    if (err instanceof TooLargeError) return undefined;
    throw err;
  }
}

const fileSafe = (name: string) => name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'dog';

/** The receipt's subject, text and attachment. */
export function receiptMessage(r: Receipt, adopterName: string, rescueName: string, locale: RescueLocale = defaultRescueLocale): { subject: string; text: string; attachments?: MailAttachment[] } {
  const dogs = r.dogNames.join(' and ');
  const fee = r.method === 'waived' ? 'waived' : formatMoney(r.feeCents, locale);
  const text = [
    `Hello ${adopterName},`,
    '',
    `Thank you for adopting ${dogs}. This is the receipt for the adoption.`,
    '',
    `Receipt number: ${r.number}`,
    `Date: ${formatDate(r.completedAt, locale)}`,
    `Adoption of: ${dogs}`,
    `Adoption fee: ${fee}`,
    `Paid by: ${feeMethodLabel(r.method)}`,
    '',
    r.contractPdf ? 'Your signed adoption contract is attached (PDF): please keep it with the dog\'s papers.' : 'Ask us if you would like a copy of the adoption contract.',
    '',
    rescueName,
  ].join('\n');
  const subject = `Receipt ${r.number}: adoption of ${dogs}`;
  if (!r.contractPdf) return { subject, text };
  return { subject, text, attachments: [{ filename: `adoption-contract-${fileSafe(r.dogNames[0] ?? 'dog')}.pdf`, contentType: 'application/pdf', content: r.contractPdf }] };
}

/**
 * Queues the adoption receipt to the adopter inside the caller's transaction, with the signed
 * contract attached when there is one, and records an `email` event (its subject, encrypted).
 */
export async function emailReceipt(tx: Db, deps: DecisionDeps, r: Receipt): Promise<MailOutcome> {
  const contact = await readContact(tx, deps.ring, r.contactId);
  if (!contact?.email) return 'no-address';
  const message = receiptMessage(r, contact.name, deps.rescueName, deps.locale);
  await enqueueMail(inTransaction(tx), deps.jobs, deps.ring, { ...deps.sender, to: contact.email, ...message }, { idempotencyKey: `adoption-receipt:${r.applicationId}` });
  await insertEvent(tx, { application_id: r.applicationId, kind: 'email', to_status: 'completed', note_enc: deps.ring.encrypt(message.subject), actor_id: r.actorId });
  await recordAudit(tx, { actor: r.actorId ? { type: 'staff', id: r.actorId } : { type: 'system' }, action: 'application.emailed', target: { type: 'application', id: r.applicationId }, detail: { template: 'receipt', attached: message.attachments?.length ?? 0 } });
  return 'queued';
}
