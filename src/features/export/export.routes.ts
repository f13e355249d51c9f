import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { z } from 'zod';
import { notFound } from '../../platform/errors/errors.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { exportCsv, exportJson, type ExportFile } from './export.service.js';
import { ExportPage } from './export.views.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { staffActor } from '../../platform/http/replies.js';

const permission = { config: { permission: 'data.export' as const } };
const datasetParams = z.object({ dataset: z.string().regex(/^[a-z][a-z-]{0,39}$/) });


// Downloads hold decrypted PII: never cached anywhere, never rendered inline.
function sendFile(reply: FastifyReply, file: ExportFile) {
  return reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(file.body);
}

/** The admin's data export: the page, each dataset as CSV, everything as JSON. */
export const exportRoutes = inTenantScope(async (app) => {
  app.get('/hub/export', permission, async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderPage(h(ExportPage, { ctx: app.kona.page(request, 'hub') }))),
  );

  // POST, not a link: an export is an audited act, so it carries the CSRF token like any other.
  app.post('/hub/export/csv/:dataset', permission, async (request, reply) => {
    const params = datasetParams.safeParse(request.params);
    if (!params.success) throw notFound('That export');
    const file = await exportCsv(request.tenant.db.kysely, app.kona.ctx.secrets.keyRing, request.tenant.slug, params.data.dataset, staffActor(request));
    return sendFile(reply, file);
  });

  app.post('/hub/export/json', permission, async (request, reply) => {
    const rescue = { slug: request.tenant.slug, name: request.rescueName ?? request.tenant.name };
    return sendFile(reply, await exportJson(request.tenant.db.kysely, app.kona.ctx.secrets.keyRing, rescue, staffActor(request)));
  });
});
