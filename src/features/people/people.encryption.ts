import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The people feature's encrypted columns, re-encrypted when keys rotate. */
export const peopleEncryptedColumns: EncryptedColumns[] = [
  { table: 'contacts', key: 'id', columns: ['name_enc', 'email_enc', 'phone_enc', 'address_enc', 'notes_enc'] },
];
