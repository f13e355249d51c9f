/** What other features may use of staff accounts: names (decrypted), lists, and whether someone is active. */
import type { Kysely } from 'kysely';
import type { StaffRole, TenantSchema } from '../../platform/db/schema.js';
import { selectStaffById } from './staff.queries.js';


/** A staff account's role and whether it is active, or undefined when there is no such account. */
export async function staffStanding(db: Kysely<TenantSchema>, id: string): Promise<{ role: StaffRole; active: boolean } | undefined> {
  const row = await selectStaffById(db, id);
  return row ? { role: row.role, active: row.status === 'active' } : undefined;
}

// What other features may use of this one, from the files that hold it.
export { emailHash, findStaffByEmail, findStaffById, listStaff, setPassword, type StaffDeps, staffNamesByIds } from './staff.service.js';
export { completePasswordReset, deadResetLink, findOpenReset, requestPasswordReset, type ResetDeps } from './password-reset.service.js';
export { resetDeps, resetLink } from './reset-link.js';
export { exportStaff, type ExportedStaff } from './staff.export.js';
