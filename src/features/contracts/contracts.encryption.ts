import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The contracts feature's encrypted columns (contract text, signer's name, IP and user agent), re-encrypted when keys rotate. */
export const contractsEncryptedColumns: EncryptedColumns[] = [
  { table: 'adoption_contracts', key: 'id', columns: ['body_enc', 'signer_name_enc', 'signer_ip_enc', 'signer_ua_enc'] },
];
