/**
 * Layer 4, a snapshot of the whole data directory on a single box: the cheap roll-back that still
 * works when a backup job wrote a bad archive. Taken while Kona runs, through the running process:
 *   - on btrfs (the data directory a subvolume), a read-only btrfs snapshot; on ZFS, a dataset
 *     snapshot; each taken while every embedded database is held idle after a CHECKPOINT;
 *   - elsewhere a copy: each embedded database is checkpointed and copied while the process holds
 *     it exclusively (so it is consistent on its own, the registry first), then the uploads
 *     (content-addressed, never rewritten) and the outbox.
 * The key ring (`secrets/`), the lock, the admin socket and triage's database are never copied. A ZFS snapshot holds
 * the whole dataset, keys included: it stays on the box, and neither restic nor any copy reads it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { AnyDatabase } from '../../platform/db/driver.js';
import { embeddedTenantDir } from '../../platform/tenancy/tenant-databases.js';
import { selectTenants } from '../../platform/tenancy/tenants.queries.js';
import { recordRun, type BackupContext, type LayerOutcome } from './context.js';
import { backupStamp } from './layout.js';
import { listFiles } from './manifest.js';
import { keepRulesFor, pruneFolder } from './prune.js';

const run = promisify(execFile);

/**
 * Never part of a snapshot: the key ring, the process lock and the admin socket; and `triage/`,
 * the alert service's own database, which another process (`kona triage`) may hold open.
 */
export const excludedFromSnapshot = ['secrets', 'kona.lock', 'kona.sock', 'triage'];

/** The file system under a path, as `stat -f -c %T` names it (btrfs, zfs, ext2/ext3, tmpfs…). */
export async function fileSystemType(dir: string): Promise<string> {
  const { stdout } = await run('stat', ['-f', '-c', '%T', dir]);
  return stdout.trim();
}

/** How the snapshot is taken on a file system of this type. */
export function snapshotMethod(fsType: string): 'btrfs' | 'zfs' | 'copy' {
  return fsType === 'btrfs' ? 'btrfs' : fsType === 'zfs' ? 'zfs' : 'copy';
}

/** Runs `fn` while `db` is checkpointed and held idle (embedded only; a server database is not part of the data directory). */
async function whileIdle<T>(db: AnyDatabase | undefined, fn: () => Promise<T>): Promise<T> {
  if (!db || db.kind !== 'embedded') return fn();
  return db.exclusive(async (conn) => {
    await sql`checkpoint`.execute(conn.kysely);
    return fn();
  });
}

/** Takes, records and prunes a snapshot of the data directory. */
export async function runSnapshotLayer(ctx: BackupContext): Promise<LayerOutcome[]> {
  if (ctx.tenantSlug) throw new Error('The snapshot layer covers the whole data directory: run it without --tenant.');
  const at = ctx.now();
  const target = path.join(ctx.layout.snapshots, backupStamp(at));
  const outcome = await recordRun(ctx, { layer: 'snapshot', kind: null, tenantSlug: null }, async () => {
    let method = snapshotMethod(await fileSystemType(ctx.config.dataDir));
    // Only a subvolume (its root has inode 256) can be snapshotted on btrfs; a plain folder is copied.
    if (method === 'btrfs' && (await stat(ctx.config.dataDir)).ino !== 256) method = 'copy';
    if (method === 'copy') return copySnapshot(ctx, target, at);
    return filesystemSnapshot(ctx, method, target, at);
  });
  await pruneFolder(ctx.layout.snapshots, keepRulesFor(ctx.config.settings, 'snapshot'), removeSnapshot);
  return [outcome];
}

/** Removes one snapshot: a ZFS snapshot is destroyed, a read-only btrfs one deleted as a subvolume, a copy removed. */
export async function removeSnapshot(dir: string): Promise<void> {
  const pointer = await readFile(path.join(dir, 'snapshot.json'), 'utf8').then((t) => JSON.parse(t) as { method?: string; zfsSnapshot?: string }, () => undefined);
  if (pointer?.method === 'zfs' && pointer.zfsSnapshot) await run('zfs', ['destroy', pointer.zfsSnapshot]);
  // A btrfs snapshot is a subvolume (inode 256) and read-only: rm cannot remove it.
  else if ((await fileSystemType(dir)) === 'btrfs' && (await stat(dir)).ino === 256) {
    await run('btrfs', ['subvolume', 'delete', dir]);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

async function embeddedDatabases(ctx: BackupContext): Promise<{ rel: string; db?: AnyDatabase }[]> {
  const out: { rel: string; db?: AnyDatabase }[] = [];
  if (ctx.config.embeddedControlPlane) out.push({ rel: 'control', db: ctx.control as AnyDatabase });
  for (const t of await selectTenants(ctx.control.kysely)) {
    if (t.db_kind !== 'embedded') continue;
    // A disabled rescue's database is closed: nothing writes it, so it is copied as it lies.
    const handle = t.status === 'active' ? await ctx.tenants.get(t.slug) : undefined;
    out.push({ rel: path.relative(ctx.config.dataDir, embeddedTenantDir(ctx.config.dataDir, t.slug)), db: handle?.db });
  }
  return out;
}

async function copySnapshot(ctx: BackupContext, target: string, at: Date) {
  const partial = `${target}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true, mode: 0o700 });
  try {
    const databases = await embeddedDatabases(ctx);
    for (const { rel, db } of databases) await whileIdle(db, () => cp(path.join(ctx.config.dataDir, rel), path.join(partial, rel), { recursive: true }));
    const copied = new Set(databases.map((d) => d.rel.split(path.sep)[0]));
    // A backup directory set inside the data directory is not copied into itself.
    const inside = path.relative(ctx.config.dataDir, ctx.layout.root).split(path.sep)[0];
    if (inside && !inside.startsWith('..')) copied.add(inside);
    for (const name of await readdir(ctx.config.dataDir)) {
      if (excludedFromSnapshot.includes(name) || copied.has(name)) continue;
      await cp(path.join(ctx.config.dataDir, name), path.join(partial, name), { recursive: true });
    }
    const files = await listFiles(partial);
    await writeFile(path.join(partial, 'snapshot.json'), `${JSON.stringify({ format: 1, method: 'copy', createdAt: at.toISOString(), dataDir: ctx.config.dataDir, databases: databases.map((d) => d.rel), files: files.length }, null, 2)}\n`);
    await rename(partial, target);
    const { stdout } = await run('du', ['-sb', target]);
    return { location: target, bytes: Number(stdout.split('\t')[0]), details: { method: 'copy' } };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

/** Holds every embedded database idle, nested, while `fn` runs: one moment for all of them. */
async function allIdle<T>(dbs: (AnyDatabase | undefined)[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = dbs;
  if (dbs.length === 0) return fn();
  return whileIdle(first, () => allIdle(rest, fn));
}

async function filesystemSnapshot(ctx: BackupContext, method: 'btrfs' | 'zfs', target: string, at: Date) {
  const databases = await embeddedDatabases(ctx);
  const stamp = backupStamp(at);
  await mkdir(ctx.layout.snapshots, { recursive: true, mode: 0o700 });
  if (method === 'btrfs') {
    // Writable first, so the key ring can be taken out, then made read-only.
    await allIdle(databases.map((d) => d.db), () => run('btrfs', ['subvolume', 'snapshot', ctx.config.dataDir, target]));
    for (const name of excludedFromSnapshot) await rm(path.join(target, name), { recursive: true, force: true });
    await run('btrfs', ['property', 'set', '-ts', target, 'ro', 'true']);
    return { location: target, bytes: 0, details: { method } };
  }
  const { stdout } = await run('findmnt', ['-n', '-o', 'SOURCE', '--target', ctx.config.dataDir]);
  const snapshot = `${stdout.trim()}@kona-${stamp}`;
  await allIdle(databases.map((d) => d.db), () => run('zfs', ['snapshot', snapshot]));
  await mkdir(target, { recursive: true, mode: 0o700 });
  await writeFile(path.join(target, 'snapshot.json'), `${JSON.stringify({ format: 1, method, createdAt: at.toISOString(), dataDir: ctx.config.dataDir, zfsSnapshot: snapshot }, null, 2)}\n`);
  return { location: snapshot, bytes: 0, details: { method } };
}
