import type { Kysely } from 'kysely';
import type { StaffRole, TenantSchema } from '../../platform/db/schema.js';
import { viewersSeeContactDetails } from '../settings/privacy.public.js';

/** Why a viewer sees no email, phone or address, shown where they would be. */
export const contactDetailsHiddenReason = 'Contact details (email, phone, address) are hidden from viewers at this rescue. An admin can allow them under Settings, Privacy.';

/**
 * Whether a member sees contacts' email, phone and address: admins and staff always; a viewer
 * only while the rescue allows it (Settings, Privacy; off by default).
 */
export async function contactDetailsShown(db: Kysely<TenantSchema>, member: { role: StaffRole }): Promise<boolean> {
  return member.role !== 'viewer' || viewersSeeContactDetails(db);
}

/** The same record without its email, phone and address, for a member who may not see them. */
export function withoutContactDetails<C extends { email: string; phone: string; address?: string }>(contact: C): C {
  return { ...contact, email: '', phone: '', ...('address' in contact ? { address: '' } : {}) };
}
