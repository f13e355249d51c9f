import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The adoptions feature's encrypted columns (answers, decision reasons, staff notes), re-encrypted when keys rotate. */
export const adoptionsEncryptedColumns: EncryptedColumns[] = [
  { table: 'applications', key: 'id', columns: ['answers_enc', 'decision_reason_enc'] },
  { table: 'application_events', key: 'id', columns: ['note_enc'] },
];
