import { Readable } from 'node:stream';
import { defaultRescueLocale, formatDateTime, type RescueLocale } from '../../platform/locale/index.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { KonaError } from '../../platform/errors/errors.js';
import { hashToken } from '../../platform/http/sessions.js';
import { releaseBlobs, type BlobStore } from '../../platform/storage/index.js';
import { notifyDogContact } from '../notifications/notifications.public.js';
import { buildContractPdf, type ContractSignature } from './contracts.pdf.js';
import { contractReferencesPdf, markSigned, selectContractByTokenHash } from './contracts.queries.js';
import type { SignInput } from './contracts.schema.js';
import { textSha256, type ContractDeps } from './contracts.service.js';

type Deps = Pick<ContractDeps, 'db' | 'ring' | 'rescueName' | 'locale'>;

/** What a signing link leads to: a contract to sign, or why it cannot be signed. */
export type SigningState =
  | { state: 'open'; id: string; applicationId: string; dogName: string; staffContactId: string | null; text: string; expiresAt: Date }
  | { state: 'signed'; dogName: string; signedAt: Date }
  | { state: 'expired'; dogName: string; expiresAt: Date }
  | { state: 'replaced'; dogName: string }
  | { state: 'closed'; dogName: string }
  | { state: 'unknown' };

/** Who signed, from where: recorded in the PDF and (encrypted) on the contract. */
export interface SignerContext {
  ipAddress: string;
  userAgent: string;
}

/** Looks a signing link's token up (by its hash) and says whether it can be signed now. */
export async function signingState(deps: Deps, token: string, now = new Date()): Promise<SigningState> {
  const row = await selectContractByTokenHash(deps.db, hashToken(token));
  if (!row) return { state: 'unknown' };
  if (row.signed_at) return { state: 'signed', dogName: row.dog_name, signedAt: row.signed_at };
  if (row.superseded_at) return { state: 'replaced', dogName: row.dog_name };
  // Signing commits the adopter to an adoption the rescue has since withdrawn or denied: refuse.
  if (row.application_status !== 'approved' && row.application_status !== 'completed') return { state: 'closed', dogName: row.dog_name };
  if (row.expires_at.getTime() <= now.getTime()) return { state: 'expired', dogName: row.dog_name, expiresAt: row.expires_at };
  return { state: 'open', id: row.id, applicationId: row.application_id, dogName: row.dog_name, staffContactId: row.dog_staff_contact_id, text: deps.ring.decrypt(row.body_enc), expiresAt: row.expires_at };
}

/** The text a refused signing shows, by state. */
export function closedMessage(s: Exclude<SigningState, { state: 'open' }>, locale: RescueLocale = defaultRescueLocale): string {
  switch (s.state) {
    case 'signed':
      return `This contract for ${s.dogName} was already signed on ${formatDateTime(s.signedAt, locale)}. A signing link works only once; nothing more is needed from you.`;
    case 'expired':
      return `This signing link for ${s.dogName}'s contract expired on ${formatDateTime(s.expiresAt, locale)}. Ask the rescue to send you a new one.`;
    case 'closed':
      return `The rescue has closed this application for ${s.dogName}, so the contract can no longer be signed. Contact the rescue if you think this is a mistake.`;
    case 'replaced':
      return `The rescue has sent a newer contract for ${s.dogName}, so this link no longer works. Use the link in the most recent email.`;
    default:
      return 'This signing link is not valid. Check that you opened the whole link from the email, or ask the rescue to send a new one.';
  }
}

/**
 * Signs a contract: builds the PDF (text, signature, UTC time, IP address, user agent and the
 * sha256 of the text), stores it content-addressed, then marks the contract signed once only and
 * notifies the dog's staff contact (all admins and staff when it has none) in the same transaction.
 * A second signing of the same link is refused with KONA_ERR_CONFLICT.
 */
export async function signContract(deps: Deps, store: BlobStore, token: string, input: SignInput, signer: SignerContext, now = new Date()) {
  const current = await signingState(deps, token, now);
  if (current.state !== 'open') throw new KonaError('KONA_ERR_CONFLICT', closedMessage(current, deps.locale));
  const signature: ContractSignature = input.signature ? { kind: 'drawn', png: input.signature, typedName: input.typed_name } : { kind: 'typed', typedName: input.typed_name };
  const hash = textSha256(current.text);
  let pdf: Uint8Array;
  try {
    pdf = await buildContractPdf({ rescueName: deps.rescueName, dogName: current.dogName, text: current.text, textSha256: hash, signature, signedAt: now, ...signer });
  } catch (err) {
    // pdf-lib refuses a PNG it cannot decode: the adopter's drawing, not a fault of ours.
    if (signature.kind === 'drawn') throw new KonaError('KONA_ERR_VALIDATION', 'The drawn signature could not be read.', { fields: { signature: 'the drawn signature could not be read: clear it and draw again, or sign with your typed name alone' } });
    throw err;
  }
  const stored = await store.putStream(Readable.from([Buffer.from(pdf)]), { maxBytes: 50 * 1024 * 1024 });
  // The signature, its audit entry and the staff notice commit together or not at all.
  const won = await deps.db.transaction().execute(async (tx) => {
    const marked = await markSigned(tx, current.id, {
      signed_at: now, signature_method: signature.kind, signer_name_enc: deps.ring.encrypt(input.typed_name),
      signer_ip_enc: deps.ring.encrypt(signer.ipAddress), signer_ua_enc: deps.ring.encrypt(signer.userAgent), pdf_sha256: stored.sha256,
    });
    if (!marked) return false;
    await recordAudit(tx, { actor: { type: 'public' }, action: 'contract.signed', target: { type: 'adoption_contract', id: current.id }, detail: { method: signature.kind, text_sha256: hash, pdf_sha256: stored.sha256 } });
    // No adopter name or email: the notice only points to the application.
    await notifyDogContact(tx, { staffContactId: current.staffContactId }, {
      kind: 'contract.signed', title: `Contract signed for ${current.dogName}`,
      body: `The adopter signed the contract for ${current.dogName}.`, link: `/hub/applications/${current.applicationId}`,
    });
    return true;
  });
  if (!won) {
    // Another request signed first: this PDF (the adopter's details and IP address) belongs to no contract.
    await releaseBlobs(store, [stored.sha256], [(key) => contractReferencesPdf(deps.db, key)]).catch(() => undefined);
    throw new KonaError('KONA_ERR_CONFLICT', closedMessage(await signingState(deps, token, now) as Exclude<SigningState, { state: 'open' }>, deps.locale));
  }
  return { contractId: current.id, dogName: current.dogName, signedAt: now, textSha256: hash, pdfSha256: stored.sha256 };
}
