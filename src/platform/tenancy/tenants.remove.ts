import { rm } from 'node:fs/promises';
import path from 'node:path';
import { recordControlAudit, type Actor } from '../audit/audit.js';
import { KonaError } from '../errors/errors.js';
import { embeddedTenantDir } from './tenant-databases.js';
import { slugSchema } from './tenants.schema.js';
import { deleteTenant, selectTenant, updateTenantStatus } from './tenants.queries.js';
import type { TenancyContext } from './tenants.service.js';

/** What removing a rescue did, for the operator to read. */
export interface RemovedTenant {
  slug: string;
  dbKind: 'embedded' | 'postgres';
  removed: string[];
  /** Set for a server database: Kona did not drop it. */
  keptDatabase?: string;
}

/** The server database's URL with any password left out. */
function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

/**
 * Removes a rescue and everything Kona keeps for it: registry rows, its embedded database, uploads
 * and outbox. `confirm` must repeat the slug (a typo must not delete a rescue). A server database is
 * left in place: Kona may not be the only thing using it, and dropping it is the operator's decision.
 */
export async function removeTenant(ctx: TenancyContext, slug: string, confirm: string | undefined, actor: Actor): Promise<RemovedTenant> {
  if (!slugSchema.safeParse(slug).success) throw new KonaError('KONA_ERR_VALIDATION', `"${slug}" is not a rescue slug.`);
  if (confirm !== slug) throw new KonaError('KONA_ERR_BAD_REQUEST', `Removing a rescue deletes all its data; repeat its slug to confirm: --confirm ${slug}`);
  const row = await selectTenant(ctx.control, slug);
  if (!row) throw new KonaError('KONA_ERR_NOT_FOUND', `No rescue with slug "${slug}".`);
  // Disable first so other replicas stop serving it (they re-check the registry), then close ours.
  await updateTenantStatus(ctx.control, slug, 'disabled');
  await ctx.tenants.close(slug);
  await deleteTenant(ctx.control, slug);
  const dirs = [path.join(ctx.dataDir, 'uploads', slug), path.join(ctx.dataDir, 'outbox', slug)];
  if (row.db_kind === 'embedded') dirs.unshift(embeddedTenantDir(ctx.dataDir, slug));
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  const keptDatabase = row.db_kind === 'postgres' && row.db_url ? withoutPassword(row.db_url) : undefined;
  await recordControlAudit(ctx.control, { actor, action: 'tenant.removed', target: { type: 'tenant', id: slug }, tenant: slug, detail: { dbKind: row.db_kind } });
  return { slug, dbKind: row.db_kind, removed: dirs, keptDatabase };
}
