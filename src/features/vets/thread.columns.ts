import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The rescue-side columns the vets feature encrypts with the key ring (re-encrypted on key rotation). */
export const vetThreadEncryptedColumns: EncryptedColumns[] = [{ table: 'vet_messages', key: 'id', columns: ['body_enc'] }];
