/**
 * `kona backup run`: one backup run of the chosen layers (or every default one) under the backup
 * lock (layout.lockFile), so two runs never overlap: the second is refused with who holds it.
 */
import { acquireFileLock } from '../../platform/runtime/lock.js';
import type { BackupContext, LayerOutcome } from './context.js';
import { backupLayer, backupLayers } from './layers.js';

/** Thrown when another backup run holds the lock. */
export class BackupBusyError extends Error {}

/** Runs the layers under the lock; resolves with every recorded run's outcome. */
export async function runBackups(ctx: BackupContext, options: { layer?: string } = {}): Promise<LayerOutcome[]> {
  const layers = options.layer ? [backupLayer(options.layer)] : Object.values(backupLayers).filter((l) => l.runsByDefault(ctx));
  const lock = acquireFileLock(ctx.layout.lockFile, { role: 'backup' });
  if ('heldBy' in lock) {
    throw new BackupBusyError(`Another backup run (pid ${lock.heldBy.pid}) is in progress; this one did not start. Try again when it has finished.`);
  }
  try {
    const outcomes: LayerOutcome[] = [];
    for (const layer of layers) outcomes.push(...(await layer.run(ctx)));
    return outcomes;
  } finally {
    lock.release();
  }
}
