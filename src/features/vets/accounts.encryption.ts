import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The vets feature's encrypted control-plane columns, re-encrypted by `keys.reencrypt` when keys rotate. */
export const vetsEncryptedColumns: EncryptedColumns[] = [
  { table: 'vets', key: 'id', columns: ['name_enc', 'clinic_enc', 'licence_enc', 'email_enc'] },
  { table: 'vet_access_requests', key: 'id', columns: ['reason_enc', 'decision_reason_enc'] },
];
