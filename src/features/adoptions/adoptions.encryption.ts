import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The adoptions feature's encrypted columns (answers, decision reasons, staff notes, contract override reasons), re-encrypted when keys rotate. */
export const adoptionsEncryptedColumns: EncryptedColumns[] = [
  { table: 'applications', key: 'id', columns: ['answers_enc', 'decision_reason_enc'] },
  { table: 'application_events', key: 'id', columns: ['note_enc'] },
  { table: 'adoption_completions', key: 'application_id', columns: ['contract_override_reason_enc'] },
];
