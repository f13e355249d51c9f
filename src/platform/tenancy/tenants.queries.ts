import type { Kysely } from 'kysely';
import type { ControlSchema } from '../db/schema.js';

type Control = Kysely<ControlSchema>;


/** All tenants, oldest first, with their hostnames. */
export async function selectTenants(db: Control) {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('slug').execute();
  const hosts = await db.selectFrom('tenant_hostnames').selectAll().orderBy('hostname').execute();
  return rows.map((t) => ({ ...t, hostnames: hosts.filter((h) => h.tenant_slug === t.slug).map((h) => h.hostname) }));
}

/** One tenant by slug. */
export function selectTenant(db: Control, slug: string) {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Adds a tenant and its hostnames in one transaction. */
export async function insertTenant(
  db: Control,
  t: { slug: string; name: string; db_kind: 'embedded' | 'postgres'; db_url: string | null; hostnames: string[] },
) {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('tenants').values({ slug: t.slug, name: t.name, db_kind: t.db_kind, db_url: t.db_url }).execute();
    for (const hostname of t.hostnames) await tx.insertInto('tenant_hostnames').values({ hostname, tenant_slug: t.slug }).execute();
  });
}

/** Removes a tenant row that never finished being created. */
export async function deleteTenant(db: Control, slug: string) {
  await db.deleteFrom('tenant_hostnames').where('tenant_slug', '=', slug).execute();
  await db.deleteFrom('tenants').where('slug', '=', slug).execute();
}

/** Sets a tenant's status. */
export async function updateTenantStatus(db: Control, slug: string, status: 'active' | 'disabled') {
  const res = await db
    .updateTable('tenants')
    .set({ status, disabled_at: status === 'disabled' ? new Date() : null })
    .where('slug', '=', slug)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Hostname to tenant slug, for every hostname in the registry. */
export async function selectHostnames(db: Control): Promise<Map<string, string>> {
  const rows = await db.selectFrom('tenant_hostnames').selectAll().execute();
  return new Map(rows.map((r) => [r.hostname, r.tenant_slug]));
}
