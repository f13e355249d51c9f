/**
 * The `dump` layer: a logical dump of every rescue (or the one asked for), the control plane
 * (tenant registry) and a manifest of their uploads, each recorded in backup_runs, then pruned by
 * the keep rules. Rescues are dumped one after another: on a single box they share two cores.
 * A disabled (suspended) rescue is dumped too: its data still needs a backup. Its database is
 * closed to requests, so the layer opens it for the dump alone and closes it after.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase, type Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { selectTenants } from '../../platform/tenancy/tenants.queries.js';
import { recordRun, type BackupContext, type LayerOutcome } from './context.js';
import { dumpDatabase } from './dump.js';
import { backupStamp } from './layout.js';
import { keepRulesFor, pruneFolder } from './prune.js';
import { writeUploadsManifest } from './uploads.js';

/** Dumps, records and prunes; returns one outcome per recorded run. */
export async function runDumpLayer(ctx: BackupContext): Promise<LayerOutcome[]> {
  const at = ctx.now();
  const stamp = backupStamp(at);
  const rows = await selectTenants(ctx.control.kysely);
  const chosen = ctx.tenantSlug ? rows.filter((t) => t.slug === ctx.tenantSlug) : rows;
  if (ctx.tenantSlug && chosen.length === 0) throw new Error(`No rescue is called ${ctx.tenantSlug} (see kona tenant list).`);
  const outcomes: LayerOutcome[] = [];
  for (const row of chosen) {
    outcomes.push(await recordRun(ctx, { layer: 'dump', kind: 'tenant', tenantSlug: row.slug }, async () => {
      const dir = ctx.layout.tenantDump(row.slug, stamp);
      const { manifest, bytes } = await withTenantDatabase(ctx, row, (db) => dumpDatabase({ db, url: row.db_url ?? undefined, kind: 'tenant', tenant: row.slug, dir, at, io: ctx.io }));
      return { location: dir, bytes, details: { engine: manifest.engine, tables: Object.keys(manifest.tables).length, ...(row.status === 'active' ? {} : { status: row.status }) } };
    }));
  }
  if (!ctx.tenantSlug) {
    outcomes.push(await recordRun(ctx, { layer: 'dump', kind: 'control', tenantSlug: null }, async () => {
      const dir = path.join(ctx.layout.controlDumps, stamp);
      const { bytes } = await dumpDatabase({ db: ctx.control as Database<unknown>, url: ctx.config.settings.KONA_CONTROL_DATABASE_URL, kind: 'control', tenant: null, dir, at, io: ctx.io });
      return { location: dir, bytes };
    }));
  }
  outcomes.push(await recordRun(ctx, { layer: 'dump', kind: 'uploads', tenantSlug: ctx.tenantSlug ?? null }, async () => {
    const file = path.join(ctx.layout.uploadManifests, `${stamp}.json`);
    const { manifest, bytes } = await writeUploadsManifest(ctx.config.uploadsDir, chosen.map((t) => t.slug), file, at);
    return { location: file, bytes, details: { files: manifest.files.length } };
  }));
  await pruneDumps(ctx);
  return outcomes;
}

type TenantRow = Awaited<ReturnType<typeof selectTenants>>[number];

/** Runs `work` on a rescue's database: the open handle of an active one, a private connection to a disabled one. */
async function withTenantDatabase<T>(ctx: BackupContext, row: TenantRow, work: (db: Database<TenantSchema>) => Promise<T>): Promise<T> {
  if (row.status === 'active') {
    const handle = await ctx.tenants.get(row.slug);
    if (!handle) throw new Error(`rescue ${row.slug} could not be opened`);
    return work(handle.db);
  }
  const db = await openDatabase<TenantSchema>(ctx.tenants.targetOf(row));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Applies the dump layer's keep rules to every rescue's dumps, the control plane's and the uploads manifests. */
export async function pruneDumps(ctx: BackupContext): Promise<string[]> {
  const rules = keepRulesFor(ctx.config.settings, 'dump');
  const removed: string[] = [];
  // Every rescue folder on disk, removed rescues' too: their newest dump always stays.
  const slugs = await readdir(ctx.layout.dumps).catch(() => [] as string[]);
  for (const slug of slugs) removed.push(...(await pruneFolder(ctx.layout.tenantDumps(slug), rules)));
  removed.push(...(await pruneFolder(ctx.layout.controlDumps, rules)));
  removed.push(...(await pruneFolder(ctx.layout.uploadManifests, rules)));
  if (removed.length) ctx.logger.info({ removed: removed.length }, 'pruned backups the keep rules no longer keep');
  return removed;
}
