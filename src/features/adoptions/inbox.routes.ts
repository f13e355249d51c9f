
import { h } from 'preact';
import { can } from '../../platform/http/permissions.js';
import { decisionRoutes } from './decisions.routes.js';
import { inboxQuerySchema } from './decisions.schema.js';
import { listInbox } from './inbox.service.js';
import { InboxPage } from './inbox.views.js';
import { sendPage } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';

/** The hub's applications: the inbox and each application's page with its actions. */
export const applicationsHubRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;

  app.get('/hub/applications', { config: { permission: 'applications.view' } }, async (request, reply) => {
    const query = inboxQuerySchema.parse(request.query ?? {});
    const result = await listInbox(request.tenant.db.kysely, request.server.kona.ctx.secrets.keyRing, query);
    const canConfigure = request.actor?.kind === 'staff' && can(request.actor.role, 'adoptions.configure');
    return sendPage(reply, 200, h(InboxPage, { ctx: page(request, 'hub'), query, ...result, canConfigure }));
  });

  decisionRoutes(app);
});
