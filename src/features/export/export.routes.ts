import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { z } from 'zod';
import { systemClock } from '../../platform/clock/clock.js';
import { notFound } from '../../platform/errors/errors.js';
import { sendPage, staffActor } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { contractStoreFor } from '../contracts/contracts.public.js';
import { photoStoreFor } from '../photos/photos.public.js';
import type { ExportSource } from './export.dataset.js';
import { exportCsv, exportZip, zipFileName, type ExportRequest } from './export.service.js';
import { ExportPage } from './export.views.js';

const permission = { config: { permission: 'data.export' as const } };
const datasetParams = z.object({ dataset: z.string().regex(/^[a-z][a-z-]{0,39}$/) });

// Downloads hold decrypted PII: never cached anywhere, never rendered inline.
function attachment(reply: FastifyReply, contentType: string, filename: string) {
  return reply
    .type(contentType)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff');
}

/** The admin's data export: the page, the whole rescue as one zip, and each table as CSV. */
export const exportRoutes = inTenantScope(async (app) => {
  const { ctx } = app.kona;
  const clock = ctx.clock ?? systemClock;
  const sourceOf = (request: StaffRequest): ExportSource => ({
    db: request.tenant.db.kysely,
    ring: ctx.secrets.keyRing,
    stores: { uploads: photoStoreFor(ctx.config.uploadsDir, request.tenant.slug), contracts: contractStoreFor(ctx.config.uploadsDir, request.tenant.slug) },
  });
  const exportRequest = (request: StaffRequest): ExportRequest => ({
    rescue: { slug: request.tenant.slug, name: request.rescueName ?? request.tenant.name }, actor: staffActor(request), now: new Date(clock.now()),
  });

  app.get('/hub/export', permission, async (request, reply) => sendPage(reply, 200, h(ExportPage, { ctx: app.kona.page(request, 'hub') })));

  // POST, not a link: an export is an audited act, so it carries the CSRF token like any other.
  app.post('/hub/export/zip', permission, async (request, reply) => {
    const target = exportRequest(request);
    // The reason only (an error's name and code): a message could quote a value from the data.
    const zip = exportZip(sourceOf(request), target, (err) => request.log.warn({ error: err.name, code: (err as { code?: unknown }).code }, 'data export stopped before the end'));
    return attachment(reply, 'application/zip', zipFileName(target.rescue.slug, target.now)).send(zip);
  });

  app.post('/hub/export/csv/:dataset', permission, async (request, reply) => {
    const params = datasetParams.safeParse(request.params);
    if (!params.success) throw notFound('That export');
    const file = await exportCsv(sourceOf(request), params.data.dataset, exportRequest(request));
    return attachment(reply, file.contentType, file.filename).send(file.body);
  });
});
