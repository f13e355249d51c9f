import { notFound } from '../../platform/errors/errors.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { inOperatorScope } from '../../platform/http/scopes.js';
import { backupLayerParamsSchema, backupsQuerySchema } from './operator.schema.js';
import { BackupsPage } from './backups.views.js';
import { backupsPageData, jobLayers, queueBackupRun } from './backups.service.js';

/**
 * The console's Backups page (mounted under /operator): what every layer last kept, failures,
 * drills and the chart, and "Run now", which queues the layer's job instead of backing up inside
 * the request.
 */
export const backupsRoutes = inOperatorScope(async (app) => {
  const { ctx, page } = app.kona;
  const permission = { config: { permission: 'operator' as const } };
  const now = () => new Date(ctx.clock?.now() ?? Date.now());

  app.get('/backups', permission, async (request, reply) => {
    const query = backupsQuerySchema.parse(request.query ?? {});
    const data = await backupsPageData(ctx, now());
    const notice = query.queued && (query.again
      ? `A ${query.queued} run was already queued in this minute; it was not queued twice.`
      : `The ${query.queued} layer is queued; a worker runs it shortly. Reload this page to see it here.`);
    return reply.type('text/html; charset=utf-8').send(renderPage(<BackupsPage ctx={page(request, 'operator')} {...data} notice={notice || undefined} />));
  });

  app.post('/backups/:layer/run', permission, async (request, reply) => {
    const parsed = backupLayerParamsSchema.safeParse(request.params);
    if (!parsed.success || !jobLayers(ctx).includes(parsed.data.layer)) throw notFound('That backup layer');
    const { created } = await queueBackupRun(ctx, parsed.data.layer, request.actor.id, now());
    return reply.redirect(`/operator/backups?queued=${parsed.data.layer}${created ? '' : '&again=1'}`, 303);
  });
});
