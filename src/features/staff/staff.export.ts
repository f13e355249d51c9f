import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { StaffRole, TenantSchema } from '../../platform/db/schema.js';

/** A staff or foster account as the rescue's data export writes it: never a password hash or session. */
export interface ExportedStaff {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  status: 'active' | 'disabled';
  createdAt: Date;
  passwordChangedAt: Date;
}

/** One page of accounts, oldest first, names and emails decrypted; credentials are not even selected. */
export async function exportStaff(db: Kysely<TenantSchema>, ring: KeyRing, page: { limit: number; offset: number }): Promise<ExportedStaff[]> {
  const rows = await db
    .selectFrom('staff')
    .select(['id', 'name_enc', 'email_enc', 'role', 'status', 'created_at', 'password_changed_at'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    id: r.id, name: ring.decrypt(r.name_enc), email: ring.decrypt(r.email_enc), role: r.role, status: r.status,
    createdAt: r.created_at, passwordChangedAt: r.password_changed_at,
  }));
}
