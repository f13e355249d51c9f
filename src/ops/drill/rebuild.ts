/**
 * `kona drill restore rebuild --tenant <slug> --keys <file>`: a rescue rebuilt from nothing but the
 * backups and the operator's key backup (`kona keys export`), into a fresh data directory (and a
 * fresh database on the server): the database from the newest dump (the local backup directory's,
 * or the restic copy's when the local one is gone), the uploads from the restic copy, and the
 * registry entry from the control plane's dump (a local dump that no longer matches its manifest is
 * passed over for the restic copy's). Then the dump drill's proofs and smoke test, with
 * the keys from the file only. Everything it made is removed after.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KeyRing, parseKeyList } from '../../platform/crypto/keyring.js';
import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';
import { openDatabase, openEmbedded } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { embeddedTenantDir } from '../../platform/tenancy/tenant-databases.js';
import { insertTenant } from '../../platform/tenancy/tenants.queries.js';
import type { BackupContext } from '../backup/context.js';
import { stampTime } from '../backup/layout.js';
import { checkFiles, readDumpManifest } from '../backup/manifest.js';
import type { ResticSettings } from '../backup/restic.js';
import { removeRestored, restoreTenantDump, RestoreRefused, type RestoreTarget } from './dump.js';
import { proveRestored } from './dump-drill.js';
import { DrillError, type DrillCheck } from './report.js';
import { pullSnapshot } from './restic.js';

/** What a rebuild needs besides the backup context. */
export interface RebuildOptions {
  slug: string;
  /** The operator's key backup: the file `kona keys export` wrote. */
  keysFile: string;
  restic: ResticSettings;
  encryptedColumns: EncryptedColumns[];
  snapshot?: string;
  smoke?: boolean;
}

const keyBackupSchema = z.object({ KONA_ENCRYPTION_KEYS: z.string().min(1), KONA_BLIND_INDEX_KEY: z.string().min(1), KONA_SESSION_SECRET: z.string().min(1) });

/** Reads a `kona keys export` file; a clear error when it is missing or not one. */
export function readKeyBackup(file: string): { keyRing: KeyRing; values: Record<string, string> } {
  let parsed: z.infer<typeof keyBackupSchema>;
  try {
    parsed = keyBackupSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new DrillError(`${file} is not a key backup written by \`kona keys export\` (${(err as Error).message.split('\n')[0]}).`, 'KONA_ERR_REBUILD_KEYS');
  }
  return { keyRing: new KeyRing(parseKeyList(parsed.KONA_ENCRYPTION_KEYS), Buffer.from(parsed.KONA_BLIND_INDEX_KEY, 'base64')), values: parsed };
}

function newestIn(dir: string): string | undefined {
  const stamp = existsSync(dir) ? readdirSync(dir).filter((n) => stampTime(n)).sort().at(-1) : undefined;
  return stamp ? path.join(dir, stamp) : undefined;
}

/**
 * The newest dump folder under `localDir` if it matches its manifest, else the newest under the same
 * path in the pulled snapshot (the local backup directory lost or damaged).
 */
async function newestDumpFolder(localDir: string, pulled: string): Promise<{ dir: string; from: 'local' | 'restic'; localProblem?: string } | undefined> {
  const local = newestIn(localDir);
  const problems = local ? await readDumpManifest(local).then((m) => checkFiles(local, m.files), (err: Error) => [err.message]) : ['none'];
  if (local && problems.length === 0) return { dir: local, from: 'local' };
  const copy = newestIn(path.join(pulled, path.resolve(localDir)));
  return copy ? { dir: copy, from: 'restic', localProblem: local ? problems[0] : undefined } : undefined;
}

function serverTarget(base: string | undefined, original: string | null, suffix: string): RestoreTarget {
  if (!base) throw new RestoreRefused('A server dump is rebuilt onto a PostgreSQL server: set KONA_TENANT_SERVER_URL.');
  const u = new URL(base);
  u.pathname = `/${original ? decodeURIComponent(new URL(original).pathname.slice(1)) : 'kona'}_${suffix}`.slice(0, 64);
  return { kind: 'postgres', url: u.toString() };
}

type RegistryEntry = { name: string; status: string; db_url: string | null; hostnames: string[] };

/** The rescue's row and hostnames in the control plane's dump, restored into `scratch` and read. */
async function registryEntry(controlDump: string, scratch: RestoreTarget, slug: string): Promise<RegistryEntry> {
  await restoreTenantDump({ dumpDir: controlDump, target: scratch, force: true });
  const db = await openDatabase<ControlSchema>(scratch);
  try {
    const row = await db.kysely.selectFrom('tenants').select(['name', 'status', 'db_url']).where('slug', '=', slug).executeTakeFirst();
    if (!row) throw new DrillError(`The control plane's dump in ${controlDump} has no rescue "${slug}": nothing to rebuild.`, 'KONA_ERR_REBUILD_NO_TENANT');
    const hostnames = (await db.kysely.selectFrom('tenant_hostnames').select('hostname').where('tenant_slug', '=', slug).orderBy('hostname').execute()).map((h) => h.hostname);
    return { ...row, hostnames };
  } finally {
    await db.close();
  }
}

/** Runs the rebuild; throws a DrillError (or RestoreRefused) when something it needs is missing or unreadable. */
export async function drillRebuild(ctx: BackupContext, o: RebuildOptions): Promise<{ checks: DrillCheck[]; extra: Record<string, unknown> }> {
  const keys = readKeyBackup(o.keysFile);
  const drillRoot = path.join(ctx.layout.drills, `rebuild-${o.slug}`);
  const dataDir = path.join(drillRoot, 'data');
  const serverUrl = ctx.config.settings.KONA_TENANT_SERVER_URL;
  const { dir: pulled, snapshot } = await pullSnapshot({ restic: o.restic, workDir: path.join(ctx.layout.root, 'restore-work'), snapshot: o.snapshot });
  const made: RestoreTarget[] = [];
  try {
    await rm(drillRoot, { recursive: true, force: true });
    const dump = await newestDumpFolder(ctx.layout.tenantDumps(o.slug), pulled);
    if (!dump) throw new DrillError(`There is no dump of ${o.slug} in ${ctx.layout.tenantDumps(o.slug)} or in restic snapshot ${snapshot.id.slice(0, 8)}.`, 'KONA_ERR_REBUILD_NO_DUMP');
    const control = await newestDumpFolder(ctx.layout.controlDumps, pulled);
    if (!control) throw new DrillError(`There is no control-plane dump (the registry) in ${ctx.layout.controlDumps} or in restic snapshot ${snapshot.id.slice(0, 8)}.`, 'KONA_ERR_REBUILD_NO_REGISTRY');
    const controlManifest = await readDumpManifest(control.dir);
    const scratch: RestoreTarget = controlManifest.engine === 'embedded' ? { kind: 'embedded', dir: path.join(drillRoot, 'registry-dump') } : serverTarget(serverUrl ?? ctx.config.settings.KONA_CONTROL_DATABASE_URL, null, `control_rebuild_${o.slug}`);
    made.push(scratch);
    const entry = await registryEntry(control.dir, scratch, o.slug);
    const manifest = await readDumpManifest(dump.dir);
    const target: RestoreTarget = manifest.engine === 'embedded' ? { kind: 'embedded', dir: embeddedTenantDir(dataDir, o.slug) } : serverTarget(serverUrl ?? entry.db_url ?? undefined, entry.db_url, 'rebuild');
    made.push(target);
    await restoreTenantDump({ dumpDir: dump.dir, target, force: true });
    const registry = await rebuildRegistry(dataDir, o.slug, entry, target);
    const proved = await proveRestored({ ctx, keyRing: keys.keyRing, keyValues: keys.values, encryptedColumns: o.encryptedColumns, smoke: o.smoke }, {
      slug: o.slug, name: entry.name, target, manifest, drillRoot, dataDir,
      uploads: { manifestsDir: path.join(pulled, path.resolve(ctx.layout.uploadManifests)), filesRoot: () => path.join(pulled, path.resolve(ctx.config.uploadsDir)) },
    });
    const checks: DrillCheck[] = [
      { name: 'database', ok: true, detail: `from the ${dump.from === 'local' ? 'local' : 'restic copy\'s'} dump ${path.basename(dump.dir)}${dump.localProblem ? ` (the local one does not match its manifest: ${dump.localProblem})` : ''}` },
      registry,
      ...proved,
    ];
    return { checks, extra: { tenant: o.slug, dumpFrom: dump.from, dump: path.basename(dump.dir), registryFrom: control.from, snapshot: snapshot.id.slice(0, 8) } };
  } finally {
    for (const t of made) await removeRestored(t).catch(() => {});
    await rm(drillRoot, { recursive: true, force: true });
    await rm(pulled, { recursive: true, force: true });
  }
}

/** A fresh control plane in `dataDir` holding the rescue's registry entry, pointing at the rebuilt database. */
async function rebuildRegistry(dataDir: string, slug: string, entry: RegistryEntry, target: RestoreTarget): Promise<DrillCheck> {
  const control = await openEmbedded<ControlSchema>(path.join(dataDir, 'control'));
  try {
    await migrateSet(control, 'control');
    await insertTenant(control.kysely, { slug, name: entry.name, db_kind: target.kind, db_url: target.kind === 'postgres' ? target.url : null, hostnames: entry.hostnames });
    if (entry.status !== 'active') await control.kysely.updateTable('tenants').set({ status: entry.status }).where('slug', '=', slug).execute();
    const row = await control.kysely.selectFrom('tenants').select(['name', 'status']).where('slug', '=', slug).executeTakeFirstOrThrow();
    const hostnames = (await control.kysely.selectFrom('tenant_hostnames').select('hostname').where('tenant_slug', '=', slug).orderBy('hostname').execute()).map((h) => h.hostname);
    const same = row.name === entry.name && row.status === entry.status && hostnames.join(',') === entry.hostnames.join(',');
    return { name: 'registry', ok: same, detail: same ? `"${entry.name}" (${entry.status}; hostnames: ${entry.hostnames.join(', ') || 'none'}) from the control plane's dump` : 'the rebuilt registry entry differs from the dump\'s' };
  } finally {
    await control.close();
  }
}
