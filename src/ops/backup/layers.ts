/**
 * The backup layers `kona backup run --layer <name>` and the scheduled jobs know, by name. A layer
 * is one `run(ctx)` that records its own runs (context.ts: recordRun) and prunes after itself. With
 * no --layer every layer runs in this order, so keep it: `base` (pgBackRest) first, then `dump`
 * and `snapshot`, and `restic` last, since it copies what the dumps wrote.
 */
import type { BackupContext, LayerOutcome } from './context.js';
import { runDumpLayer } from './dump-layer.js';
import { runResticCopy } from './restic-layer.js';
import { runSnapshotLayer } from './snapshot.js';

/** One backup layer. */
export interface BackupLayerRunner {
  /** One line for `kona backup run --help` and the README. */
  description: string;
  /** Whether `kona backup run` without --layer (and a plain nightly run) includes it in this setup. */
  runsByDefault(ctx: BackupContext): boolean;
  /** Takes the backup, records every run in backup_runs, prunes by its keep rules. */
  run(ctx: BackupContext): Promise<LayerOutcome[]>;
}

/** Every layer by name, in the order a full run takes them. */
export const backupLayers: Record<string, BackupLayerRunner> = {
  dump: {
    description: 'logical dump of each rescue (pg_dump -Fc, or PGlite\'s pg_dump) and the control plane, with manifests, and the uploads manifest',
    runsByDefault: () => true,
    run: runDumpLayer,
  },
  snapshot: {
    description: 'snapshot of the data directory (btrfs/ZFS snapshot, else a consistent copy); single box only',
    // It copies the embedded databases: with everything on servers it has nothing of its own to keep.
    runsByDefault: (ctx) => ctx.config.embeddedControlPlane && !ctx.tenantSlug,
    run: runSnapshotLayer,
  },
  restic: {
    description: 'restic copy of the dumps, the uploads manifests and the uploads to KONA_RESTIC_REPOSITORY (off-site), then forget --prune',
    // Last: it copies what the dumps just wrote.
    runsByDefault: (ctx) => Boolean(ctx.config.settings.KONA_RESTIC_REPOSITORY),
    run: runResticCopy,
  },
};

/** The layer of that name, or an error listing the known ones. */
export function backupLayer(name: string): BackupLayerRunner {
  const layer = backupLayers[name];
  if (!layer) throw new Error(`There is no backup layer "${name}": use one of ${Object.keys(backupLayers).join(', ')}.`);
  return layer;
}
