import { createHash } from 'node:crypto';
import { dayIn, defaultRescueLocale, formatDateTime, type RescueLocale } from '../../platform/locale/index.js';
import type { MailSender } from '../../platform/mail/index.js';
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { newSessionToken } from '../../platform/http/sessions.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';
import { applicationParties, type ApplicationParties } from '../adoptions/adoptions.public.js';
import { insertContract, selectLiveContract, selectTemplate, supersedeLiveContract, upsertTemplate } from './contracts.queries.js';
import { contractFee, defaultContractTemplate, renderContract, templateProblems, type ContractValues } from './contracts.template.js';

type Db = Kysely<TenantSchema>;

/** What the contract services need: the rescue's database, the key ring and the jobs (for mail). */
export interface ContractDeps {
  db: Db;
  ring: KeyRing;
  jobs: JobRegistry;
  rescueName: string;
  /** Who the mail is from (the rescue's name, its Reply-To); Kona's configured From without it. */
  sender?: MailSender;
  /** The rescue's zone and locale, for the contract's date and the link's last day (UTC, en-GB when absent). */
  locale?: RescueLocale;
}

/** Days a signing link stays valid. */
export const signingLinkDays = 30;

/** sha256 (hex) of a text's UTF-8 bytes: what the signed PDF records. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The rescue's contract template, and whether it is still the built-in default. */
export async function contractTemplate(db: Db): Promise<{ body: string; isDefault: boolean }> {
  const saved = await selectTemplate(db);
  return saved === undefined ? { body: defaultContractTemplate, isDefault: true } : { body: saved, isDefault: false };
}

/** Saves the template after checking its placeholders; refuses with a field error naming the unknown ones. */
export async function saveContractTemplate(db: Db, body: string, actor: Actor): Promise<void> {
  const problems = templateProblems(body);
  if (problems.length > 0) {
    throw new KonaError('KONA_ERR_VALIDATION', `The template was not saved: it ${problems.join(' It also ')}`, { fields: { body: problems.join(' ') } });
  }
  await upsertTemplate(db, body, actor.type === 'staff' ? (actor.id ?? null) : null);
  await recordAudit(db, { actor, action: 'contract.template_updated', target: { type: 'adoption_contract_template', id: 'rescue' }, detail: { length: body.length } });
}

/** The values a contract is filled with, from the application's parties. */
export function contractValues(parties: ApplicationParties, rescueName: string, today: string): ContractValues {
  const none = '(not recorded)';
  return {
    dog_name: parties.dog.name,
    dog_microchip: parties.dog.microchip ?? none,
    dog_breed: parties.dog.breed || none,
    dog_sex: parties.dog.sex,
    adopter_name: parties.applicant.name,
    adopter_address: parties.applicant.address.trim() ? parties.applicant.address.replace(/\s*\n\s*/g, ', ') : none,
    adopter_email: parties.applicant.email || none,
    adopter_phone: parties.applicant.phone || none,
    fee: contractFee(parties.dog.adoptionFeeCents),
    rescue_name: rescueName,
    date: today,
  };
}

/** An application's parties, refusing anything but an approved application with an email address. */
async function partiesForContract(deps: ContractDeps, applicationId: string): Promise<ApplicationParties> {
  const parties = await applicationParties(deps.db, deps.ring, applicationId);
  if (!parties) throw notFound('That application');
  if (parties.status !== 'approved') {
    throw new KonaError('KONA_ERR_CONFLICT', `Only an approved application gets a contract; this one is ${parties.status.replace(/_/g, ' ')}. Approve it first.`);
  }
  if (!parties.applicant.email) {
    throw new KonaError('KONA_ERR_CONFLICT', 'The applicant left no email address, so the signing link cannot be sent. Add an email address to their contact record first.');
  }
  return parties;
}

// enqueueMail reads only `.kysely`: handing it the transaction queues the mail with the contract.
const inTransaction = (tx: Db) => ({ kysely: tx }) as unknown as Database<TenantSchema>;

/**
 * Prepares the contract for an approved application: renders the rescue's template, stores the
 * text (encrypted) with a fresh signing token (only its hash), retires an unsigned earlier one, and
 * emails the adopter the link, all in one transaction. Refuses when a contract is already signed.
 */
export async function prepareContract(deps: ContractDeps, applicationId: string, actor: Actor, linkFor: (token: string) => string, now = new Date()): Promise<string> {
  const parties = await partiesForContract(deps, applicationId);
  const live = await selectLiveContract(deps.db, applicationId);
  if (live?.signed_at) throw new KonaError('KONA_ERR_CONFLICT', 'The adopter has already signed this contract; a signed contract is never replaced.');
  const text = renderContract((await contractTemplate(deps.db)).body, contractValues(parties, deps.rescueName, dayIn(now, (deps.locale ?? defaultRescueLocale).timeZone)));
  const { token, hash } = newSessionToken();
  const expiresAt = new Date(now.getTime() + signingLinkDays * 86_400_000);
  const id = await deps.db.transaction().execute(async (tx) => {
    await supersedeLiveContract(tx, applicationId);
    const contractId = await insertContract(tx, {
      application_id: applicationId, body_enc: deps.ring.encrypt(text), text_sha256: textSha256(text), token_hash: hash,
      expires_at: expiresAt, prepared_by: actor.type === 'staff' ? (actor.id ?? null) : null, prepared_at: now,
    });
    await enqueueMail(inTransaction(tx), deps.jobs, deps.ring, { ...deps.sender, ...signingMail(parties, deps.rescueName, linkFor(token), expiresAt, deps.locale ?? defaultRescueLocale) }, { idempotencyKey: `contract-link:${contractId}` });
    await recordAudit(tx, { actor, action: 'contract.prepared', target: { type: 'adoption_contract', id: contractId }, detail: { application_id: applicationId, replaced: Boolean(live) } });
    return contractId;
  }).catch((err: unknown) => {
    // Two people pressed "prepare" at once: the live-contract index let one of them through.
    if ((err as { code?: string }).code === '23505') throw new KonaError('KONA_ERR_CONFLICT', 'Someone else prepared this contract at the same moment. Reload the page to see it.');
    throw err;
  });
  return id;
}

function signingMail(parties: ApplicationParties, rescueName: string, link: string, expiresAt: Date, locale: RescueLocale) {
  return {
    to: parties.applicant.email,
    subject: `Your adoption contract for ${parties.dog.name}`,
    text: [
      `Hello ${parties.applicant.name},`,
      '',
      `${rescueName} has prepared the adoption contract for ${parties.dog.name}. Please read it and sign it on screen here:`,
      '',
      link,
      '',
      `The link works once and until ${formatDateTime(expiresAt, locale)}. If it has expired, ask us for a new one.`,
      '',
      rescueName,
    ].join('\n'),
  };
}

/** An application's contract as staff see it: status, times and the text; undefined when none was prepared. */
export async function contractForStaff(deps: Pick<ContractDeps, 'db' | 'ring'>, applicationId: string) {
  const row = await selectLiveContract(deps.db, applicationId);
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.signed_at ? ('signed' as const) : row.expires_at.getTime() <= Date.now() ? ('expired' as const) : ('prepared' as const),
    preparedAt: row.prepared_at,
    expiresAt: row.expires_at,
    signedAt: row.signed_at,
    method: row.signature_method,
    signerName: row.signer_name_enc ? deps.ring.decrypt(row.signer_name_enc) : null,
    textSha256: row.text_sha256,
    pdfSha256: row.pdf_sha256,
    text: deps.ring.decrypt(row.body_enc),
  };
}

/** An application's contract for the staff page. */
export type StaffContract = NonNullable<Awaited<ReturnType<typeof contractForStaff>>>;
