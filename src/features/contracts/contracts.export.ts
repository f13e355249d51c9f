import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';

/** A contract as the rescue's data export writes it: the text and signature record decrypted, never its link's token. */
export interface ExportedContract {
  id: string;
  applicationId: string;
  /** prepared (waiting for the adopter), signed, or superseded by a newer contract for the same application. */
  status: 'prepared' | 'signed' | 'superseded';
  text: string;
  textSha256: string;
  preparedBy: string | null;
  preparedAt: Date;
  expiresAt: Date;
  supersededAt: Date | null;
  signedAt: Date | null;
  method: 'drawn' | 'typed' | null;
  signerName: string | null;
  signerIp: string | null;
  signerUserAgent: string | null;
  /** The signed PDF's blob key in the contract store; null until signed. */
  pdfSha256: string | null;
}

const open = (ring: KeyRing, value: string | null) => (value === null ? null : ring.decrypt(value));

/** One page of contracts (every version, superseded ones too), oldest first, decrypted. */
export async function exportContracts(db: Kysely<TenantSchema>, ring: KeyRing, page: { limit: number; offset: number }): Promise<ExportedContract[]> {
  const rows = await db
    .selectFrom('adoption_contracts')
    .select(['id', 'application_id', 'body_enc', 'text_sha256', 'prepared_by', 'prepared_at', 'expires_at', 'superseded_at', 'signed_at', 'signature_method', 'signer_name_enc', 'signer_ip_enc', 'signer_ua_enc', 'pdf_sha256'])
    .orderBy('prepared_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    id: r.id, applicationId: r.application_id, status: r.signed_at ? 'signed' : r.superseded_at ? 'superseded' : 'prepared',
    text: ring.decrypt(r.body_enc), textSha256: r.text_sha256, preparedBy: r.prepared_by, preparedAt: r.prepared_at, expiresAt: r.expires_at,
    supersededAt: r.superseded_at, signedAt: r.signed_at, method: r.signature_method, signerName: open(ring, r.signer_name_enc),
    signerIp: open(ring, r.signer_ip_enc), signerUserAgent: open(ring, r.signer_ua_enc), pdfSha256: r.pdf_sha256,
  }));
}
