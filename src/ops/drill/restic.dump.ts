/**
 * The restic drill's restore of one pulled-back dump: the dump drill's own restore
 * (restoreTenantDump) and proofs (proveRestored: figures, sequences, amcheck, keys, uploads, smoke),
 * with the uploads taken from the restic snapshot rather than the live folder. Works for server
 * and embedded (PGlite) dumps alike; whatever it restored is removed after.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { selectTenant } from '../../platform/tenancy/tenants.queries.js';
import { readDumpManifest } from '../backup/manifest.js';
import { removeRestored, restoreTenantDump } from './dump.js';
import { drillTarget, proveRestored, type DrillDeps } from './dump-drill.js';
import type { RestoreDump } from './restic.js';

/** A RestoreDump that restores into `drills/restic-<slug>/` (or `<database>_restic`) and proves the copy. */
export function restoreDumpProved(deps: DrillDeps): RestoreDump {
  return async (slug, dumpDir, restored) => {
    const { ctx } = deps;
    const manifest = await readDumpManifest(dumpDir);
    const drillRoot = path.join(ctx.layout.drills, `restic-${slug}`);
    const dataDir = path.join(drillRoot, 'data');
    const target = await drillTarget(ctx, manifest, dataDir, 'restic');
    const name = (await selectTenant(ctx.control.kysely, slug))?.name ?? slug;
    let restoredOk = false;
    try {
      // The drill's own place: anything an interrupted restic drill left there is replaced.
      await rm(drillRoot, { recursive: true, force: true });
      await restoreTenantDump({ dumpDir, target, force: true });
      restoredOk = true;
      return [
        { name: 'restore', ok: true, detail: `restored into ${target.kind === 'embedded' ? target.dir : 'a new database'}` },
        ...(await proveRestored(deps, {
          slug, name, target, manifest, drillRoot, dataDir,
          uploads: { manifestsDir: path.join(restored.backupDir, 'uploads'), filesRoot: () => restored.uploadsDir },
        })),
      ];
    } catch (err) {
      return [{ name: 'restore', ok: false, detail: (err as Error).message }];
    } finally {
      if (restoredOk) await removeRestored(target).catch(() => {});
      await rm(drillRoot, { recursive: true, force: true });
    }
  };
}
