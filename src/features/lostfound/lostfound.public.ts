// What other parts of Kona may use of lost and found, from the files that hold it.
import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';

export { lostFoundJobs, lostFoundSweepJob } from './lostfound.jobs.js';
export { lostFoundRoutes, rootLostFoundRoutes } from './lostfound.routes.js';
export { lostFoundInboxRoutes } from './lostfound.inbox.js';

/** The encrypted columns of messages to rescues, re-encrypted when keys rotate. */
export const lostFoundEncryptedColumns: EncryptedColumns[] = [{ table: 'lostfound_contacts', key: 'id', columns: ['name_enc', 'email_enc', 'phone_enc', 'message_enc'] }];
