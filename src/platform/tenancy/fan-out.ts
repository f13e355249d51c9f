import type { Kysely } from 'kysely';
import type { ControlSchema, TenantSchema } from '../db/schema.js';
import type { TenantDatabases } from './tenant-databases.js';
import { selectTenants } from './tenants.queries.js';

/** One active rescue as a fan-out sees it: its slug and its own database. */
export interface FannedTenant {
  slug: string;
  db: Kysely<TenantSchema>;
}

/** What a fan-out did: rescues reached, and those where the step failed (to retry). */
export interface FanOutRun {
  reached: number;
  failed: string[];
}

/** Runs a step on every active rescue's database, one at a time; one rescue's failure does not stop the rest. */
export type TenantFanOut = (step: (tenant: FannedTenant) => Promise<void>) => Promise<FanOutRun>;

/**
 * The only way code outside a request reaches every rescue (control-plane jobs). Features get this
 * function, never the tenant registry, so none of them can pick a tenant database by itself.
 */
export function tenantFanOut(control: Kysely<ControlSchema>, tenants: () => TenantDatabases): TenantFanOut {
  return async (step) => {
    const run: FanOutRun = { reached: 0, failed: [] };
    for (const row of await selectTenants(control)) {
      if (row.status !== 'active') continue;
      try {
        const handle = await tenants().get(row.slug);
        if (!handle) continue;
        await step({ slug: row.slug, db: handle.db.kysely });
        run.reached += 1;
      } catch {
        run.failed.push(row.slug);
      }
    }
    return run;
  };
}
