import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { prepareContract } from './contracts.service.js';

/**
 * Prepares the adoption contract of the demo rescue's approved application (if there is one), so
 * its contract page and the signing email in the outbox show how contracts work.
 */
export async function seedDemoContract(deps: { db: Kysely<TenantSchema>; ring: KeyRing; jobs: JobRegistry; rescueName: string }, siteUrl: string, adminId: string): Promise<boolean> {
  const approved = await deps.db.selectFrom('applications').select('id').where('status', '=', 'approved').orderBy('created_at').limit(1).executeTakeFirst();
  if (!approved) return false;
  await prepareContract(deps, approved.id, { type: 'staff', id: adminId }, (token) => `${siteUrl}/contracts/${token}`);
  return true;
}
