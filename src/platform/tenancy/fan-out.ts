import type { Kysely } from 'kysely';
import type { ControlSchema, TenantSchema } from '../db/schema.js';
import type { TenantDatabases, TenantHandle } from './tenant-databases.js';
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

/** One active rescue as a request-time fan-out sees it: its slug, its name and its own database. */
export interface NamedTenant extends FannedTenant {
  name: string;
}

/**
 * The request-time way across rescues (the public lost-and-found search): runs `step` on every
 * active rescue, at most `concurrency` at once, and returns each one's result in registry order.
 * A rescue whose step throws is left out and named in `failed`, so one broken rescue cannot fail the rest.
 */
export async function mapActiveTenants<T>(control: Kysely<ControlSchema>, tenants: TenantDatabases, concurrency: number, step: (tenant: NamedTenant) => Promise<T>): Promise<{ results: T[]; failed: string[] }> {
  const rows = (await selectTenants(control)).filter((r) => r.status === 'active');
  const results: (T | undefined)[] = new Array(rows.length);
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      const row = rows[i]!;
      try {
        const handle = await tenants.get(row.slug);
        if (handle) results[i] = await step({ slug: row.slug, name: row.name, db: handle.db.kysely });
      } catch {
        failed.push(row.slug);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rows.length)) }, worker));
  return { results: results.filter((r): r is T => r !== undefined), failed };
}

/**
 * The request-time way to ONE rescue that a control-plane record names: a vet's grant or access
 * request (its `tenant_slug`), or a reference Kona signed itself (checked before this is called).
 * Never call it with a slug from a URL, a form or a header: a request's own rescue is
 * `request.tenant`, resolved by the tenant scope. Undefined when the rescue is unknown or switched off.
 * The isolation test lists the files allowed to use it.
 */
export async function rescueNamedByRecord(tenants: TenantDatabases, recordedSlug: string): Promise<TenantHandle | undefined> {
  return tenants.get(recordedSlug);
}
