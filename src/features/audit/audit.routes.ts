
import { h } from 'preact';
import { renderPage } from '../../platform/http/views/layout.js';
import { listAuditEntries } from './audit.service.js';
import { AuditPage } from './audit.views.js';
import { tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';

const limit = 100;

/** The rescue's audit log for its admins. */
export const auditRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;
  app.get('/hub/audit', { config: { permission: 'audit.view' } }, async (request, reply) => {
    const entries = await listAuditEntries(tenantDeps(request), limit);
    return reply.type('text/html; charset=utf-8').send(renderPage(h(AuditPage, { ctx: page(request, 'hub'), entries, limit })));
  });
});
