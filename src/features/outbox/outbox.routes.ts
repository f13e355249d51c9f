
import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { outboxFileParamsSchema } from './outbox.schema.js';
import { outboxMessage, outboxOverview } from './outbox.service.js';
import { OutboxMessagePage, OutboxPage } from './outbox.views.js';
import { inTenantScope } from '../../platform/http/scopes.js';

/** The rescue's outgoing mail for its admins: where it goes and, on the embedded default, the outbox. */
export const outboxRoutes = inTenantScope(async (app) => {
  const { page, ctx } = app.kona;
  const permission = { config: { permission: 'mail.view' as const } };

  app.get('/hub/outbox', permission, async (request, reply) => {
    const overview = await outboxOverview(ctx, request.tenant.slug);
    return reply.type('text/html; charset=utf-8').send(renderPage(h(OutboxPage, { ctx: page(request, 'hub'), overview })));
  });

  app.get<{ Params: { file: string } }>('/hub/outbox/:file', permission, async (request, reply) => {
    const params = outboxFileParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound('That message');
    const message = await outboxMessage(ctx.config, request.tenant.slug, params.data.file);
    return reply.type('text/html; charset=utf-8').send(renderPage(h(OutboxMessagePage, { ctx: page(request, 'hub'), message })));
  });
});
