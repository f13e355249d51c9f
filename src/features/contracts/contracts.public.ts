import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { selectContractStatuses } from './contracts.queries.js';

/** Where an application's contract stands (no personal data). */
export interface ContractStatus {
  status: 'prepared' | 'signed';
  preparedAt: Date;
  signedAt: Date | null;
  method: 'drawn' | 'typed' | null;
  textSha256: string;
}

/** The live contract's status of every application that has one, by application id. */
export async function contractStatuses(db: Kysely<TenantSchema>): Promise<Map<string, ContractStatus>> {
  const rows = await selectContractStatuses(db);
  return new Map(rows.map((r) => [r.application_id, {
    status: r.signed_at ? 'signed' : 'prepared', preparedAt: r.prepared_at, signedAt: r.signed_at, method: r.signature_method, textSha256: r.text_sha256,
  }]));
}

export { signedContractsWaiting } from './contracts.dashboard.js';
export { contractStoreFor, liveContractOf, signedContractPdf, type LiveContract } from './contracts.store.js';
