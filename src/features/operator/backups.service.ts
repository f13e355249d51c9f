/**
 * The console's Backups page as operations: read what the page shows, and queue a layer's run.
 * The backup machinery itself lives in src/ops/backup, reached only through its public face.
 */
import { recordControlAudit } from '../../platform/audit/audit.js';
import type { AppContext } from '../../platform/http/context.js';
import { enqueueJob, nextTick } from '../../platform/jobs/index.js';
import { backupJobName, backupOverview, consoleLayers, jobLayerNames, layerRetention, layerSummaries, type BackupOverview, type JobLayer } from '../../ops/backup/backup.public.js';
import type { LayerSchedule } from './backups.views.js';
import { listRescues } from './rescues.service.js';

/**
 * The layers the console can queue in this setup: those whose job this process declares, the
 * snapshot only where the databases are embedded, the restic copy only with a repository set.
 */
export function jobLayers(ctx: AppContext): JobLayer[] {
  return jobLayerNames.filter((layer) => {
    if (!ctx.jobs.get(backupJobName(layer))) return false;
    if (layer === 'snapshot') return ctx.config.embeddedControlPlane;
    if (layer === 'restic') return Boolean(ctx.config.settings.KONA_RESTIC_REPOSITORY);
    return true;
  });
}

/** Each layer's schedule: its job's cron and next tick after `now`, or how to run it on the host, and what it keeps. */
export function layerSchedules(ctx: AppContext, now: Date): LayerSchedule[] {
  const queueable = jobLayers(ctx);
  const retention = layerRetention(ctx.config.settings);
  return consoleLayers.flatMap((layer): LayerSchedule[] => {
    const job = queueable.find((l) => l === layer);
    const common = { layer, description: layerSummaries[layer], retention: retention[layer] };
    if (job) {
      const cron = ctx.jobs.get(backupJobName(job))?.cron;
      return [{ ...common, job, cron, nextRun: cron ? nextTick(cron, now) : undefined }];
    }
    // The snapshot is a single-box layer; the others run with `kona backup run` on the database host.
    if (layer === 'snapshot') return [];
    return [{ ...common, howToRun: `kona backup run --layer ${layer}` }];
  });
}

/** What the page shows at `now`: the overview, the schedules, and the rescues (disabled ones too: they are dumped) with no good dump yet. */
export async function backupsPageData(ctx: AppContext, now: Date): Promise<{ overview: BackupOverview; schedules: LayerSchedule[]; missing: string[] }> {
  const overview = await backupOverview(ctx.control.kysely, now);
  const dumped = new Set(overview.lastGood.filter((b) => b.layer === 'dump' && b.kind === 'tenant').map((b) => b.tenantSlug));
  const missing = (await listRescues(ctx)).filter((r) => !dumped.has(r.slug)).map((r) => r.slug);
  return { overview, schedules: layerSchedules(ctx, now), missing };
}

/**
 * Queues one run of a layer's job on the control plane's queue (a worker runs it with the backup
 * lock, records and pruning) and audits who asked. One per minute: a double click, or two operators
 * at once, queue one run, not two; `created` says whether this call queued it.
 */
export async function queueBackupRun(ctx: AppContext, layer: JobLayer, operatorId: string, now: Date): Promise<{ created: boolean }> {
  const job = backupJobName(layer);
  const { id, created } = await enqueueJob(ctx.control, ctx.jobs, job, {}, { idempotencyKey: `console:${job}:${now.toISOString().slice(0, 16)}` });
  if (created) {
    await recordControlAudit(ctx.control.kysely, { actor: { type: 'operator', id: operatorId }, action: 'backup.run-requested', target: { type: 'backup-layer', id: layer }, detail: { jobId: id } });
  }
  return { created };
}
