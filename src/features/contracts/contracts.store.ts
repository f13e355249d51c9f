import path from 'node:path';
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { LocalBlobStore, readLimited, type BlobStore } from '../../platform/storage/index.js';
import { selectLiveContract } from './contracts.queries.js';

/**
 * The rescue's content-addressed store of signed contracts, `<uploadsDir>/<slug>/contracts`: apart
 * from photos and documents, whose deletions release blobs no photo or document row references.
 */
export function contractStoreFor(uploadsDir: string, slug: string): BlobStore {
  return new LocalBlobStore(path.join(uploadsDir, slug, 'contracts'));
}

/** An application's live contract as other features see it (no personal data); undefined when none was prepared. */
export interface LiveContract {
  id: string;
  preparedAt: Date;
  expiresAt: Date;
  signedAt: Date | null;
  /** Blob key of the signed PDF. */
  pdfSha256: string | null;
}

/** The live (prepared or signed) contract of an application. */
export async function liveContractOf(db: Kysely<TenantSchema>, applicationId: string): Promise<LiveContract | undefined> {
  const row = await selectLiveContract(db, applicationId);
  if (!row) return undefined;
  return { id: row.id, preparedAt: row.prepared_at, expiresAt: row.expires_at, signedAt: row.signed_at, pdfSha256: row.pdf_sha256 };
}

/** The bytes of a signed contract's PDF (at most `maxBytes`); undefined when the file is missing from the store. */
export async function signedContractPdf(store: BlobStore, pdfSha256: string, maxBytes: number): Promise<Buffer | undefined> {
  const blob = await store.get(pdfSha256);
  if (!blob) return undefined;
  return readLimited(blob.stream, maxBytes);
}
