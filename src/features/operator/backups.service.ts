/**
 * The console's Backups page as operations: read what the page shows, and queue a layer's run.
 * The backup machinery itself lives in src/ops/backup, reached only through its public face.
 */
import { recordControlAudit } from '../../platform/audit/audit.js';
import type { AppContext } from '../../platform/http/context.js';
import { enqueueJob, nextTick } from '../../platform/jobs/index.js';
import { backupJobs, backupOverview, hostLayers, layerSummaries, type BackupOverview, type JobLayer } from '../../ops/backup/backup.public.js';
import type { LayerSchedule } from './backups.views.js';
import { listRescues } from './rescues.service.js';

/** The layers the console can queue in this setup: the snapshot layer only where the databases are embedded. */
export function jobLayers(ctx: AppContext): JobLayer[] {
  return ctx.config.embeddedControlPlane ? ['dump', 'snapshot'] : ['dump'];
}

/** Each layer's schedule: its job's cron and next tick after `now`, or how to run it on the host. */
export function layerSchedules(ctx: AppContext, now: Date): LayerSchedule[] {
  const rows: LayerSchedule[] = jobLayers(ctx).map((layer) => {
    const cron = ctx.jobs.get(backupJobs[layer])?.cron;
    return { layer, description: layerSummaries[layer], job: layer, cron, nextRun: cron ? nextTick(cron, now) : undefined };
  });
  for (const layer of hostLayers) rows.push({ layer, description: layerSummaries[layer], howToRun: `kona backup run --layer ${layer}` });
  return rows;
}

/** What the page shows at `now`: the overview, the schedules, and the active rescues with no good dump yet. */
export async function backupsPageData(ctx: AppContext, now: Date): Promise<{ overview: BackupOverview; schedules: LayerSchedule[]; missing: string[] }> {
  const overview = await backupOverview(ctx.control.kysely, now);
  const dumped = new Set(overview.lastGood.filter((b) => b.layer === 'dump' && b.kind === 'tenant').map((b) => b.tenantSlug));
  const missing = (await listRescues(ctx)).filter((r) => r.status === 'active' && !dumped.has(r.slug)).map((r) => r.slug);
  return { overview, schedules: layerSchedules(ctx, now), missing };
}

/**
 * Queues one run of a layer's job on the control plane's queue (a worker runs it with the backup
 * lock, records and pruning) and audits who asked. One per minute: a double click, or two operators
 * at once, queue one run, not two; `created` says whether this call queued it.
 */
export async function queueBackupRun(ctx: AppContext, layer: JobLayer, operatorId: string, now: Date): Promise<{ created: boolean }> {
  const job = backupJobs[layer];
  const { id, created } = await enqueueJob(ctx.control, ctx.jobs, job, {}, { idempotencyKey: `console:${job}:${now.toISOString().slice(0, 16)}` });
  if (created) {
    await recordControlAudit(ctx.control.kysely, { actor: { type: 'operator', id: operatorId }, action: 'backup.run-requested', target: { type: 'backup-layer', id: layer }, detail: { jobId: id } });
  }
  return { created };
}
