import { existsSync, readdirSync, rmSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { recordControlAudit, type Actor } from '../audit/audit.js';
import { openDatabase } from '../db/driver.js';
import { migrateSet } from '../db/migrate.js';
import type { ControlSchema, TenantSchema } from '../db/schema.js';
import { KonaError } from '../errors/errors.js';
import { embeddedTenantDir, type TenantDatabases } from './tenant-databases.js';
import { createTenantSchema, slugSchema, type CreateTenantInput } from './tenants.schema.js';
import { deleteTenant, insertTenant, selectTenant, selectTenants, updateTenantStatus } from './tenants.queries.js';

/** What tenant operations need: the control plane, the data directory and the open tenant databases. */
export interface TenancyContext {
  control: Kysely<ControlSchema>;
  dataDir: string;
  embeddedAllowed: boolean;
  tenants: TenantDatabases;
}

function validation(err: { issues: { path: PropertyKey[]; message: string }[] }): KonaError {
  const fields = Object.fromEntries(err.issues.map((i) => [i.path.map(String).join('.') || 'input', i.message]));
  return new KonaError('KONA_ERR_VALIDATION', Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; '), { fields });
}

/** Creates a database named kona_<slug> on a PostgreSQL server and returns its URL. */
async function createServerDatabase(serverUrl: string, slug: string): Promise<string> {
  const name = `kona_${slug.replace(/-/g, '_')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) throw new KonaError('KONA_ERR_CONFLICT', `Database ${name} already exists on that server; pass its URL with --database-url to use it.`);
    await client.query(`create database ${name}`); // name is built from a validated slug
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates a rescue: registers it, creates and migrates its database, and names it. */
export async function createTenant(ctx: TenancyContext, input: CreateTenantInput, actor: Actor) {
  const parsed = createTenantSchema.safeParse(input);
  if (!parsed.success) throw validation(parsed.error);
  const t = parsed.data;
  if (await selectTenant(ctx.control, t.slug)) throw new KonaError('KONA_ERR_CONFLICT', `A rescue with slug "${t.slug}" already exists.`);
  const taken = await ctx.control.selectFrom('tenant_hostnames').select('hostname').where('hostname', 'in', t.hostnames.length ? t.hostnames : ['']).execute();
  if (taken.length) throw new KonaError('KONA_ERR_CONFLICT', `Hostname ${taken[0]!.hostname} already belongs to another rescue.`);
  let dbUrl: string | null = null;
  if (t.database.kind === 'embedded') {
    if (!ctx.embeddedAllowed) throw new KonaError('KONA_ERR_BAD_REQUEST', 'Embedded tenants need the embedded control plane; give --server-url or --database-url.');
    const dir = embeddedTenantDir(ctx.dataDir, t.slug);
    if (existsSync(dir) && readdirSync(dir).length) throw new KonaError('KONA_ERR_CONFLICT', `A database folder already exists at ${dir}; move it away first.`);
  } else {
    dbUrl = t.database.kind === 'server' ? await createServerDatabase(t.database.serverUrl, t.slug) : t.database.databaseUrl;
  }
  const row = { slug: t.slug, name: t.name, db_kind: dbUrl ? ('postgres' as const) : ('embedded' as const), db_url: dbUrl };
  const db = await openDatabase<TenantSchema>(ctx.tenants.targetOf(row));
  try {
    await migrateSet(db, 'tenant');
    await db.kysely.insertInto('rescue_settings').values({ name: t.name }).onConflict((oc) => oc.column('id').doNothing()).execute();
  } catch (err) {
    await db.close();
    if (!dbUrl) rmSync(embeddedTenantDir(ctx.dataDir, t.slug), { recursive: true, force: true });
    throw err;
  }
  await db.close();
  try {
    await insertTenant(ctx.control, { ...row, hostnames: t.hostnames });
  } catch (err) {
    await deleteTenant(ctx.control, t.slug);
    throw err;
  }
  await recordControlAudit(ctx.control, { actor, action: 'tenant.created', target: { type: 'tenant', id: t.slug }, tenant: t.slug, detail: { dbKind: row.db_kind } });
  return { slug: t.slug, name: t.name, dbKind: row.db_kind, hostnames: t.hostnames };
}

/** Every tenant with status, database kind and hostnames (never the database URL's password). */
export async function listTenants(ctx: Pick<TenancyContext, 'control'>) {
  const rows = await selectTenants(ctx.control);
  return rows.map((r) => ({ slug: r.slug, name: r.name, status: r.status, dbKind: r.db_kind, hostnames: r.hostnames, createdAt: r.created_at }));
}

/** Disables (or re-enables) a tenant: its site and hub stop answering and its database is closed. */
export async function setTenantStatus(ctx: TenancyContext, slug: string, status: 'active' | 'disabled', actor: Actor) {
  const parsed = slugSchema.safeParse(slug);
  if (!parsed.success) throw validation(parsed.error);
  if (!(await updateTenantStatus(ctx.control, slug, status))) throw new KonaError('KONA_ERR_NOT_FOUND', `No rescue with slug "${slug}".`);
  if (status === 'disabled') await ctx.tenants.close(slug);
  await recordControlAudit(ctx.control, { actor, action: `tenant.${status === 'disabled' ? 'disabled' : 'enabled'}`, target: { type: 'tenant', id: slug }, tenant: slug });
}

/** Applies pending migrations to the control plane's tenants; returns what each got. */
export async function migrateAllTenants(ctx: TenancyContext) {
  const results: { slug: string; applied: number; error?: string }[] = [];
  for (const t of await selectTenants(ctx.control)) {
    if (t.status !== 'active') continue;
    const handle = await ctx.tenants.get(t.slug);
    try {
      const { applied } = await migrateSet(handle!.db, 'tenant');
      results.push({ slug: t.slug, applied: applied.length });
    } catch (err) {
      results.push({ slug: t.slug, applied: 0, error: (err as Error).message });
    }
  }
  return results;
}

/** Quick reachability check of one database (readiness). */
export async function ping(db: Kysely<unknown>): Promise<void> {
  await sql`select 1`.execute(db);
}
