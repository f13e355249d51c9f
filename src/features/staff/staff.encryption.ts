import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The staff feature's encrypted columns, re-encrypted when keys rotate. */
export const staffEncryptedColumns: EncryptedColumns[] = [
  { table: 'staff', key: 'id', columns: ['email_enc', 'name_enc'] },
  { table: 'invitations', key: 'id', columns: ['email_enc'] },
];
