import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ContactRole, TenantSchema } from '../../platform/db/schema.js';

/** A contact decrypted for the rescue's data export (the only place all of it leaves in clear). */
export interface ExportedContact {
  id: string;
  roles: ContactRole[];
  name: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  notes: string | null;
  organisation: string;
  createdAt: Date;
  updatedAt: Date;
}

const open = (ring: KeyRing, value: string | null) => (value === null ? null : ring.decrypt(value));

/** One page of contacts, oldest first, with names, emails, phones, addresses and notes decrypted. */
export async function exportContacts(db: Kysely<TenantSchema>, ring: KeyRing, page: { limit: number; offset: number }): Promise<ExportedContact[]> {
  const rows = await db.selectFrom('contacts').selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
  return rows.map((r) => ({
    id: r.id, roles: r.roles, name: ring.decrypt(r.name_enc), email: open(ring, r.email_enc), phone: open(ring, r.phone_enc),
    address: open(ring, r.address_enc), notes: open(ring, r.notes_enc), organisation: r.organisation, createdAt: r.created_at, updatedAt: r.updated_at,
  }));
}
