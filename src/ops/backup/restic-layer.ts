/**
 * The restic layer as the layer registry runs it (layers.ts): one copy of the dumps, the control
 * dumps, the uploads manifests and the uploads, through runResticLayer, recorded in backup_runs and
 * reported like the other layers (a failure is an outcome with its reason, not a throw).
 */
import { resticSettingsFrom } from './archive.config.js';
import { runResticLayer } from './archive.layers.js';
import { describeFailure, type BackupContext, type LayerOutcome } from './context.js';

/** Runs the restic copy for the registry; an unconfigured layer is a failed outcome that says what to set. */
export async function runResticCopy(ctx: BackupContext): Promise<LayerOutcome[]> {
  const run = { layer: 'restic' as const, kind: 'copy', tenantSlug: null };
  try {
    const settings = resticSettingsFrom(ctx.config);
    const deps = { control: ctx.control.kysely, clock: { now: () => ctx.now().getTime() } };
    const outcome = await runResticLayer(deps, settings, { layout: ctx.layout, uploadsDir: ctx.config.uploadsDir });
    return [{ ...run, status: 'ok', location: outcome.location, bytes: outcome.bytes ?? undefined }];
  } catch (err) {
    ctx.logger.error({ layer: 'restic', err: describeFailure(err) }, 'backup run failed');
    return [{ ...run, status: 'failed', error: describeFailure(err) }];
  }
}
