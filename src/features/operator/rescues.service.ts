import type { Actor } from '../../platform/audit/audit.js';
import type { AppContext } from '../../platform/http/context.js';
import { listTenants, setTenantStatus, type TenancyContext } from '../../platform/tenancy/tenants.service.js';

function tenancy(ctx: AppContext): TenancyContext {
  return { control: ctx.control.kysely, dataDir: ctx.config.dataDir, embeddedAllowed: ctx.config.embeddedControlPlane, tenants: ctx.tenants };
}

/** Every rescue this Kona serves, for the operator console. */
export function listRescues(ctx: AppContext) {
  return listTenants(tenancy(ctx));
}

/** One row of the console's table of rescues. */
export type RescueRow = Awaited<ReturnType<typeof listRescues>>[number];

/**
 * Switches a rescue's site and hub off or back on. setTenantStatus closes its database and
 * audits the change on the control plane; this process's host map is refreshed at once.
 */
export async function setRescueStatus(ctx: AppContext, slug: string, status: 'active' | 'disabled', actor: Actor): Promise<void> {
  await setTenantStatus(tenancy(ctx), slug, status, actor);
  await ctx.onTenantsChanged?.();
}
