/**
 * The grant check: what a vet's approved access request lets them reach. Every vet route under
 * `/vet/access/:grantId` calls {@link loadGrantForVet} first, on every request (no cache), so a
 * revocation or an expiry applies to the very next request. Every refusal is the same 403, so a
 * forged id, another vet's grant and an expired or revoked one cannot be told apart.
 */
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { recordAudit, recordControlAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { systemClock } from '../../platform/clock/clock.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import type { AppContext } from '../../platform/http/context.js';
import type { TenantHandle } from '../../platform/tenancy/tenant-databases.js';
import { selectGrant, selectTenantGrant, type GrantRow } from './grants.queries.js';
import { rescueNamedByRecord } from '../../platform/tenancy/fan-out.js';

export type { GrantRow } from './grants.queries.js';

/** The one wording of every refused grant link. */
export const grantRefusalMessage = 'This link does not give you access: it may have expired or been withdrawn. Ask the rescue for a new one.';

const grantIdSchema = z.uuid();

/** The time grants are judged by: the app's clock (a test's ManualClock), else the system's. */
export function nowOf(ctx: AppContext): number {
  return (ctx.clock ?? systemClock).now();
}

/** The refusal every failed grant check throws (403 KONA_ERR_FORBIDDEN). */
export function grantRefused(): KonaError {
  return new KonaError('KONA_ERR_FORBIDDEN', grantRefusalMessage);
}

/** A valid grant with the rescue's database it opens. */
export interface OpenGrant {
  grant: GrantRow;
  tenant: TenantHandle;
}

/** Whether a grant row lets its vet in at `now` (approved, not revoked, not expired, vet verified). */
export function grantIsOpen(grant: Pick<GrantRow, 'status' | 'expires_at' | 'revoked_at' | 'vet_status'>, now: number): boolean {
  return grant.status === 'approved' && grant.revoked_at === null && grant.expires_at !== null && grant.expires_at.getTime() > now && grant.vet_status === 'verified';
}

/**
 * The grant `grantId` of vet `vetId` and its rescue's database, only while it is open: a uuid,
 * this vet's, approved, unexpired by `ctx.clock`, not revoked, the vet verified, the rescue active
 * and the dog still there. Anything else throws the one {@link grantRefused} 403.
 */
export async function loadGrantForVet(ctx: AppContext, vetId: string, grantId: unknown): Promise<OpenGrant> {
  const id = grantIdSchema.safeParse(grantId);
  if (!id.success) throw grantRefused();
  const grant = await selectGrant(ctx.control.kysely, id.data);
  const now = nowOf(ctx);
  if (!grant || grant.vet_id !== vetId || !grantIsOpen(grant, now)) throw grantRefused();
  const tenant = await rescueNamedByRecord(ctx.tenants, grant.tenant_slug);
  if (!tenant) throw grantRefused();
  const dog = await tenant.db.kysely.selectFrom('dogs').select('id').where('id', '=', grant.dog_id).executeTakeFirst();
  if (!dog) throw grantRefused();
  return { grant, tenant };
}

/** A grant of this rescue for its hub page (any decided state: staff read a closed thread too); 404 otherwise. */
export async function loadGrantForStaff(ctx: AppContext, tenantSlug: string, grantId: unknown): Promise<GrantRow> {
  const id = grantIdSchema.safeParse(grantId);
  const grant = id.success ? await selectTenantGrant(ctx.control.kysely, tenantSlug, id.data) : undefined;
  if (!grant || (grant.status !== 'approved' && grant.status !== 'revoked')) throw notFound('That vet access');
  return grant;
}

/** Where a grant stands for the hub: open, expired or revoked. */
export function grantState(grant: GrantRow, now: number): 'open' | 'expired' | 'revoked' {
  if (grant.status === 'revoked' || grant.revoked_at !== null) return 'revoked';
  return grant.expires_at && grant.expires_at.getTime() > now ? 'open' : 'expired';
}

/**
 * Records one act under a grant in both audit logs: the control plane's (with the rescue) and the
 * rescue's own. Details hold ids and field names only.
 */
export async function auditGrant(ctx: AppContext, db: Kysely<TenantSchema>, grant: Pick<GrantRow, 'id' | 'tenant_slug' | 'dog_id'>, actor: Actor, action: string, detail: Record<string, unknown> = {}): Promise<void> {
  const entry = { actor, action, target: { type: 'dog', id: grant.dog_id }, detail: { grant_id: grant.id, ...detail } };
  await recordAudit(db, entry);
  await recordControlAudit(ctx.control.kysely, { ...entry, tenant: grant.tenant_slug });
}
