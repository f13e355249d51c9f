/**
 * `kona drill restore dump`: restores a rescue's dump into a fresh place (a new database on the
 * server, or a new PGlite directory under the backup directory's drills/), proves it
 * (verifyRestored, the encrypted values, the uploads, a smoke test on a real Kona process), prints
 * a report, writes it as JSON with the verdict and RTO, and records the drill in backup_runs.
 * A passing drill removes what it restored; a failing one leaves it for inspection, and the next
 * drill refuses to restore over it without --force.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { listStaff, setPassword } from '../../features/staff/staff.public.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';
import { openDatabase, openEmbedded } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { ControlSchema, TenantSchema } from '../../platform/db/schema.js';
import { embeddedTenantDir } from '../../platform/tenancy/tenant-databases.js';
import { insertTenant, selectTenant } from '../../platform/tenancy/tenants.queries.js';
import type { BackupContext } from '../backup/context.js';
import { backupStamp, stampTime } from '../backup/layout.js';
import { hashFile, readDumpManifest, uploadsManifestSchema, type DumpManifest } from '../backup/manifest.js';
import { finishBackupRun, startBackupRun } from '../backup/runs.js';
import { removeRestored, restoreTenantDump, RestoreRefused, verifyRestored, type RestoreCheck, type RestoreTarget } from './dump.js';
import { encryptedValuesCheck } from './pii.js';
import { smokeTest } from './smoke.js';

/** What the drill needs besides the backup context: the kept keys and what they encrypt. */
export interface DrillDeps {
  ctx: BackupContext;
  keyRing: KeyRing;
  /** The key values as KONA_KEYS_FILE holds them, for the smoke test's Kona process. */
  keyValues: Record<string, string>;
  encryptedColumns: EncryptedColumns[];
  /** Skip the smoke test (a Kona process); on by default. */
  smoke?: boolean;
}

/** The drill's report (also its JSON file). */
export interface DrillReport {
  kind: 'dump';
  tenant: string;
  from: string;
  target: string;
  verdict: 'pass' | 'fail';
  rtoSeconds: number;
  startedAt: string;
  finishedAt: string;
  checks: RestoreCheck[];
  reportFile: string;
  /** Where the restored copy was left (failed drills only). */
  keptAt?: string;
}

/** The newest dump folder of a rescue, or an error saying there is none. */
export async function newestDump(ctx: BackupContext, slug: string): Promise<string> {
  const names = (await readdir(ctx.layout.tenantDumps(slug)).catch(() => [] as string[])).filter((n) => stampTime(n)).sort();
  if (!names.length) throw new RestoreRefused(`There is no dump of ${slug} in ${ctx.layout.tenantDumps(slug)}: run kona backup run --tenant ${slug} first.`);
  return ctx.layout.tenantDump(slug, names[names.length - 1]!);
}

function drillDatabaseUrl(ctx: BackupContext, tenantUrl: string | null, suffix: string): string {
  const base = ctx.config.settings.KONA_TENANT_SERVER_URL ?? tenantUrl;
  if (!base) throw new RestoreRefused('A server dump is restored onto a PostgreSQL server: set KONA_TENANT_SERVER_URL.');
  const u = new URL(base);
  const original = tenantUrl ? decodeURIComponent(new URL(tenantUrl).pathname.slice(1)) : 'kona';
  u.pathname = `/${original}_${suffix}`.slice(0, 64);
  return u.toString();
}

/** Where a drill restores a rescue: a PGlite directory under `dataDir`, or `<database>_<suffix>` on the server. */
export async function drillTarget(ctx: BackupContext, manifest: DumpManifest, dataDir: string, suffix = 'drill'): Promise<RestoreTarget> {
  const slug = manifest.tenant!;
  if (manifest.engine === 'embedded') return { kind: 'embedded', dir: embeddedTenantDir(dataDir, slug) };
  const row = await selectTenant(ctx.control.kysely, slug);
  return { kind: 'postgres', url: drillDatabaseUrl(ctx, row?.db_url ?? null, suffix) };
}

/** Where the uploads a drill copies come from: a folder of uploads manifests, and where their files lie. */
export interface UploadsSource {
  manifestsDir: string;
  /** The folder holding the files a manifest lists (default: the manifest's own root, the live uploads). */
  filesRoot?: (manifestRoot: string) => string;
}

/**
 * Proves a restored rescue: figures, sequences and amcheck against the manifest, the encrypted
 * values open with the kept keys, its uploads copied and re-hashed into `dataDir`, and (unless
 * deps.smoke is false) a Kona process on `dataDir` serving it. Shared by the dump, restic and
 * rebuild drills, so each proves the same things.
 */
export async function proveRestored(
  deps: DrillDeps,
  o: { slug: string; name: string; target: RestoreTarget; manifest: DumpManifest; drillRoot: string; dataDir: string; uploads: UploadsSource },
): Promise<RestoreCheck[]> {
  const checks: RestoreCheck[] = [...(await verifyRestored({ target: o.target, manifest: o.manifest }))];
  const db = await openDatabase<TenantSchema>(o.target);
  let signIn: { email: string; password: string } | undefined;
  try {
    const pii = await encryptedValuesCheck(db.kysely as Kysely<unknown>, deps.keyRing, deps.encryptedColumns);
    checks.push(pii);
    // Without keys that open the copy there is no admin to sign in as (emails are encrypted): the check above says why.
    if (pii.ok) signIn = await drillAdmin(db.kysely, deps.keyRing);
  } finally {
    await db.close();
  }
  checks.push(await restoreUploads(o.uploads, o.slug, o.dataDir, o.manifest));
  if (deps.smoke !== false) {
    await prepareControlPlane(o.dataDir, { slug: o.slug, name: o.name, target: o.target });
    const keysFile = path.join(o.drillRoot, 'keys.json');
    await writeFile(keysFile, JSON.stringify(deps.keyValues), { mode: 0o600 });
    try {
      checks.push(...(await smokeTest({ dataDir: o.dataDir, keysFile, slug: o.slug, signIn })));
    } finally {
      await rm(keysFile, { force: true });
    }
  }
  return checks;
}

/** Runs the drill for one rescue's dump (newest, or `from`). */
export async function runDumpDrill(deps: DrillDeps, args: { tenantSlug?: string; from?: string; force?: boolean }): Promise<DrillReport> {
  const { ctx } = deps;
  const startedAt = ctx.now();
  const dumpDir = args.from ? path.resolve(args.from) : args.tenantSlug ? await newestDump(ctx, args.tenantSlug) : undefined;
  if (!dumpDir) throw new RestoreRefused('Say which rescue to drill (--tenant <slug>) or which dump folder (--from <dir>).');
  const manifest = await readDumpManifest(dumpDir);
  if (manifest.kind !== 'tenant' || !manifest.tenant) throw new RestoreRefused(`${dumpDir} is a control-plane dump; the dump drill restores a rescue's dump.`);
  const slug = manifest.tenant;
  const row = await selectTenant(ctx.control.kysely, slug);
  const drillRoot = path.join(ctx.layout.drills, `restore-${slug}`);
  const dataDir = path.join(drillRoot, 'data');
  const target = await drillTarget(ctx, manifest, dataDir);
  const runId = await startBackupRun(ctx.control.kysely, { layer: 'drill', kind: 'dump', tenantSlug: slug, startedAt });
  let restored = false;
  try {
    if (args.force) await rm(drillRoot, { recursive: true, force: true });
    const { bytes } = await restoreTenantDump({ dumpDir, target, force: args.force });
    restored = true;
    const checks = await proveRestored(deps, { slug, name: row?.name ?? slug, target, manifest, drillRoot, dataDir, uploads: { manifestsDir: ctx.layout.uploadManifests } });
    const finishedAt = ctx.now();
    const verdict = checks.every((c) => c.ok) ? 'pass' : 'fail';
    const report = await writeReport(ctx, { kind: 'dump', tenant: slug, from: dumpDir, target: describeTarget(target), verdict, rtoSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), checks, reportFile: '' });
    if (verdict === 'pass') {
      await removeRestored(target);
      await rm(drillRoot, { recursive: true, force: true });
    } else report.keptAt = describeTarget(target);
    await finishBackupRun(ctx.control.kysely, runId, {
      status: verdict === 'pass' ? 'ok' : 'failed', finishedAt, bytes, location: report.reportFile,
      error: verdict === 'pass' ? null : checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; '),
      details: { verdict, rtoSeconds: report.rtoSeconds, from: dumpDir, checks },
    });
    return report;
  } catch (err) {
    // Whatever this drill restored goes; a target it refused to touch stays as it was.
    if (restored) await removeRestored(target).catch(() => {});
    if (!(err instanceof RestoreRefused) || restored) await rm(drillRoot, { recursive: true, force: true }).catch(() => {});
    await finishBackupRun(ctx.control.kysely, runId, { status: 'failed', finishedAt: ctx.now(), error: (err as Error).message, details: { verdict: 'fail', from: dumpDir } });
    throw err;
  }
}

function describeTarget(target: RestoreTarget): string {
  return target.kind === 'embedded' ? target.dir : `database ${decodeURIComponent(new URL(target.url).pathname.slice(1))}`;
}

async function writeReport(ctx: BackupContext, report: DrillReport): Promise<DrillReport> {
  await mkdir(ctx.layout.drills, { recursive: true, mode: 0o700 });
  const file = path.join(ctx.layout.drills, `${backupStamp(new Date(report.startedAt))}-dump.json`);
  const out = { ...report, reportFile: file };
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
  return out;
}

/** An active admin of the restored copy, given a fresh password there for the smoke test's sign-in. */
async function drillAdmin(db: Kysely<TenantSchema>, keyRing: KeyRing): Promise<{ email: string; password: string } | undefined> {
  const admin = (await listStaff({ db, keyRing })).find((s) => s.role === 'admin' && s.status === 'active');
  if (!admin) return undefined;
  const password = `drill-${crypto.randomUUID()}`;
  await setPassword({ db, keyRing }, admin.id, password, { type: 'system' });
  return { email: admin.email, password };
}

/** Copies the rescue's uploads listed by the uploads manifest taken with the dump, checking each file's sha256. */
async function restoreUploads(source: UploadsSource, slug: string, dataDir: string, dump: DumpManifest): Promise<RestoreCheck> {
  const names = (await readdir(source.manifestsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort().reverse();
  // The manifest taken with the dump, else the newest one: uploads are never rewritten.
  const chosen = names.find((n) => n === `${backupStamp(new Date(dump.createdAt))}.json`) ?? names[0];
  if (!chosen) return { name: 'uploads', ok: false, detail: `no uploads manifest in ${source.manifestsDir}` };
  const manifest = uploadsManifestSchema.parse(JSON.parse(await readFile(path.join(source.manifestsDir, chosen), 'utf8')));
  const root = source.filesRoot ? source.filesRoot(manifest.root) : manifest.root;
  const mine = manifest.files.filter((f) => f.path.startsWith(`${slug}/`));
  const bad: string[] = [];
  for (const f of mine) {
    const to = path.join(dataDir, 'uploads', f.path);
    await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
    if (!(await copyFile(path.join(root, f.path), to).then(() => true, () => false))) {
      bad.push(`${f.path} (missing)`);
      continue;
    }
    if ((await hashFile(to)).sha256 !== f.sha256) bad.push(`${f.path} (sha256 differs)`);
  }
  return bad.length
    ? { name: 'uploads', ok: false, detail: `${bad.length} of ${mine.length} files are missing or changed: ${bad.slice(0, 3).join(', ')}` }
    : { name: 'uploads', ok: true, detail: `${mine.length} files copied and their sha256 match ${chosen}` };
}

/** A control plane for the restored copy with just this rescue registered, pointing at it. */
async function prepareControlPlane(dataDir: string, t: { slug: string; name: string; target: RestoreTarget }): Promise<void> {
  const control = await openEmbedded<ControlSchema>(path.join(dataDir, 'control'));
  try {
    await migrateSet(control, 'control');
    if (!(await selectTenant(control.kysely, t.slug))) {
      await insertTenant(control.kysely, { slug: t.slug, name: t.name, db_kind: t.target.kind, db_url: t.target.kind === 'postgres' ? t.target.url : null, hostnames: [] });
    }
  } finally {
    await control.close();
  }
}
