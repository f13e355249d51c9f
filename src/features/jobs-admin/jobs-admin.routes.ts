
import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { jobIdParamsSchema } from './jobs-admin.schema.js';
import { jobsOverview, retryJob } from './jobs-admin.service.js';
import { JobsPage } from './jobs-admin.views.js';
import { inTenantScope } from '../../platform/http/scopes.js';

const notices: Record<string, string> = {
  retried: 'The job was queued again with fresh attempts. A worker picks it up shortly.',
};

/** The rescue's background jobs for its admins: counts, failures, retry. */
export const jobsAdminRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;
  const permission = { config: { permission: 'jobs.manage' as const } };

  app.get<{ Querystring: { done?: string } }>('/hub/jobs', permission, async (request, reply) => {
    const { counts, failed } = await jobsOverview(request.tenant.db);
    const notice = request.query.done ? notices[request.query.done] : undefined;
    return reply.type('text/html; charset=utf-8').send(renderPage(h(JobsPage, { ctx: page(request, 'hub'), counts, failed, notice })));
  });

  app.post<{ Params: { id: string } }>('/hub/jobs/:id/retry', permission, async (request, reply) => {
    const params = jobIdParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound('That failed job');
    await retryJob(request.tenant.db, params.data.id, { type: 'staff', id: request.actor.id });
    return reply.redirect(`${request.basePath}/hub/jobs?done=retried`, 303);
  });
});
