import { recordControlAudit } from '../../platform/audit/audit.js';
import { notFound } from '../../platform/errors/errors.js';
import type { AppContext } from '../../platform/http/context.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { inOperatorScope } from '../../platform/http/scopes.js';
import { enqueueJob, nextTick } from '../../platform/jobs/index.js';
import { backupJobs, backupOverview, hostLayers, layerSummaries, type JobLayer } from '../../ops/backup/backup.public.js';
import { backupLayerParamsSchema, backupsQuerySchema } from './operator.schema.js';
import { BackupsPage, type LayerSchedule } from './backups.views.js';
import { listRescues } from './rescues.service.js';

/** The layers this setup's console shows: the snapshot layer only where the databases are embedded. */
function jobLayers(ctx: AppContext): JobLayer[] {
  return ctx.config.embeddedControlPlane ? ['dump', 'snapshot'] : ['dump'];
}

/** Each layer's schedule: the job's cron and next tick, or how to run it on the host. */
function schedules(ctx: AppContext, now: Date): LayerSchedule[] {
  const rows: LayerSchedule[] = jobLayers(ctx).map((layer) => {
    const cron = ctx.jobs.get(backupJobs[layer])?.cron;
    return { layer, description: layerSummaries[layer], job: layer, cron, nextRun: cron ? nextTick(cron, now) : undefined };
  });
  for (const layer of hostLayers) rows.push({ layer, description: layerSummaries[layer], howToRun: `kona backup run --layer ${layer}` });
  return rows;
}

/**
 * The console's Backups page (mounted under /operator): what every layer last kept, failures,
 * drills and the chart, and "Run now", which queues the layer's job on the control plane's queue
 * (a worker runs it, with the backup lock and records) instead of backing up inside the request.
 */
export const backupsRoutes = inOperatorScope(async (app) => {
  const { ctx, page } = app.kona;
  const permission = { config: { permission: 'operator' as const } };
  const now = () => new Date(ctx.clock?.now() ?? Date.now());

  app.get('/backups', permission, async (request, reply) => {
    const at = now();
    const query = backupsQuerySchema.parse(request.query ?? {});
    const overview = await backupOverview(ctx.control.kysely, at);
    const dumped = new Set(overview.lastGood.filter((b) => b.layer === 'dump' && b.kind === 'tenant').map((b) => b.tenantSlug));
    const missing = (await listRescues(ctx)).filter((r) => r.status === 'active' && !dumped.has(r.slug)).map((r) => r.slug);
    const notice = query.queued && (query.again
      ? `A ${query.queued} run was already queued in this minute; it was not queued twice.`
      : `The ${query.queued} layer is queued; a worker runs it shortly. Reload this page to see it here.`);
    return reply.type('text/html; charset=utf-8').send(renderPage(
      <BackupsPage ctx={page(request, 'operator')} overview={overview} schedules={schedules(ctx, at)} missing={missing} notice={notice || undefined} />,
    ));
  });

  app.post('/backups/:layer/run', permission, async (request, reply) => {
    const parsed = backupLayerParamsSchema.safeParse(request.params);
    if (!parsed.success || !jobLayers(ctx).includes(parsed.data.layer)) throw notFound('That backup layer');
    const { layer } = parsed.data;
    const at = now();
    // One per minute: a double click, or two operators at once, queue one run, not two.
    const minute = at.toISOString().slice(0, 16);
    const { id, created } = await enqueueJob(ctx.control, ctx.jobs, backupJobs[layer], {}, { idempotencyKey: `console:${backupJobs[layer]}:${minute}` });
    if (created) {
      await recordControlAudit(ctx.control.kysely, { actor: { type: 'operator', id: request.actor.id }, action: 'backup.run-requested', target: { type: 'backup-layer', id: layer }, detail: { jobId: id } });
    }
    return reply.redirect(`/operator/backups?queued=${layer}${created ? '' : '&again=1'}`, 303);
  });
});
