import type { Kysely } from 'kysely';
import type { ControlSchema } from '../../platform/db/schema.js';

type Control = Kysely<ControlSchema>;

const grantColumns = [
  'r.id', 'r.vet_id', 'r.tenant_slug', 'r.dog_id', 'r.status', 'r.expires_at', 'r.revoked_at', 'r.decided_at', 'r.created_at',
  'v.status as vet_status', 'v.name_enc as vet_name_enc', 'v.clinic_enc as vet_clinic_enc', 'v.licence_enc as vet_licence_enc', 'v.email_enc as vet_email_enc', 'v.clinic_area as vet_area',
] as const;

/** A grant (an access request) with its vet, as the grant checks read it. */
export type GrantRow = NonNullable<Awaited<ReturnType<typeof selectGrant>>>;

/** One access request with its vet's account, by id. */
export function selectGrant(control: Control, id: string) {
  return control.selectFrom('vet_access_requests as r').innerJoin('vets as v', 'v.id', 'r.vet_id').select(grantColumns).where('r.id', '=', id).executeTakeFirst();
}

/** One access request of one rescue, with its vet's account (the hub never sees another rescue's). */
export function selectTenantGrant(control: Control, tenantSlug: string, id: string) {
  return control.selectFrom('vet_access_requests as r').innerJoin('vets as v', 'v.id', 'r.vet_id').select(grantColumns)
    .where('r.id', '=', id).where('r.tenant_slug', '=', tenantSlug).executeTakeFirst();
}
