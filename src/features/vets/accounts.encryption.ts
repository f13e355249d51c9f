import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/**
 * The vets feature's encrypted control-plane columns. Nothing re-encrypts control-plane tables when
 * keys rotate yet (`keys.reencrypt` walks tenant tables only, like operators.email_enc); this list is
 * what that job will walk once it covers the control plane.
 */
export const vetsEncryptedColumns: EncryptedColumns[] = [
  { table: 'vets', key: 'id', columns: ['name_enc', 'clinic_enc', 'licence_enc', 'email_enc'] },
];
