import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

/** The AI feature's encrypted columns, re-encrypted when keys rotate. */
export const aiEncryptedColumns: EncryptedColumns[] = [{ table: 'ai_drafts', key: 'id', columns: ['output_enc'] }];
