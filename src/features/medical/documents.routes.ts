import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { serveDocument } from '../../platform/images/index.js';
import { photoStoreOf } from '../photos/photos.public.js';
import { downloadName } from './documents.names.js';
import { receiveDocument } from './documents.receive.js';
import { deleteDocument, documentOf } from './documents.service.js';
import { showMedical } from './medical.page.js';
import { confirmDeleteSchema, documentParamsSchema } from './medical.schema.js';
import { staffActor } from '../../platform/http/replies.js';
import { dogIdOf } from '../dogs/dogs.public.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';

const extensions = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;

function paramsOf(request: FastifyRequest): { id: string; documentId: string } {
  const parsed = documentParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That document');
  return parsed.data;
}

/** What other features do with a document, wired in by the composition root (medical imports none of them). */
export interface DocumentHooks {
  /**
   * Called after a new document was stored (not for a duplicate): the AI feature queues its reading
   * as a batch job here. It must only queue work, never do it inside the upload request.
   */
  documentStored?: (request: StaffRequest, dogId: string, documentId: string) => Promise<void>;
}

/** Medical documents: upload (multipart, streamed, one file), download for staff only, delete. */
export const documentRoutes = (hooks: DocumentHooks) => inTenantScope(async (app) => {
  const maxBytes = app.kona.ctx.config.settings.KONA_DOCUMENT_MAX_MB * 1024 * 1024;
  // Multipart only in this scope. fileSize sits one byte above the limit so the service, which
  // counts while reading, is what refuses an oversized file (with the limit in its message).
  await app.fastify.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: maxBytes + 1, files: 1, fields: 5, fieldSize: 1024, parts: 6 } });

  // CSRF is checked in the route (receiveDocument) before any of the file is read: the body streams.
  app.post('/hub/dogs/:id/documents', { config: { permission: 'medical.edit', csrf: 'in-route' } }, async (request, reply) => {
    const dogId = dogIdOf(request);
    if (!request.isMultipart()) throw new KonaError('KONA_ERR_BAD_REQUEST', 'Send documents with the upload form (multipart/form-data).');
    const upload = await receiveDocument(request, dogId);
    if (!upload.ok) return showMedical(request, reply, dogId, upload.status, { message: upload.message, forms: { document: upload.form } });
    if (!upload.duplicate && hooks.documentStored) {
      // The document is stored either way: a failure to queue its reading is logged, and staff can
      // press "Extract again" on its page.
      await hooks.documentStored(request, dogId, upload.id).catch((err: unknown) => request.log.warn({ err: (err as Error).name }, 'document reading was not queued'));
    }
    const done = upload.duplicate ? 'document-duplicate' : 'document';
    return reply.redirect(`${request.basePath}/hub/dogs/${dogId}/medical?done=${done}#documents`, 303);
  });

  app.get('/hub/dogs/:id/documents/:documentId/file', { config: { permission: 'medical.view' } }, async (request, reply) => {
    const { id, documentId } = paramsOf(request);
    const doc = await documentOf(request.tenant.db.kysely, id, documentId);
    const filename = downloadName(doc.title, doc.id, extensions[doc.content_type]);
    return serveDocument(reply, { store: photoStoreOf(request), key: doc.sha256, contentType: doc.content_type, filename });
  });

  app.post('/hub/dogs/:id/documents/:documentId/delete', { config: { permission: 'medical.edit' } }, async (request, reply) => {
    const { id, documentId } = paramsOf(request);
    if (!parseForm(confirmDeleteSchema, request.body).ok) {
      return showMedical(request, reply, id, 400, { message: 'The document was not deleted: tick the box to confirm the deletion.' });
    }
    await deleteDocument({ db: request.tenant.db.kysely, store: photoStoreOf(request) }, id, documentId, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/dogs/${id}/medical?done=document-deleted#documents`, 303);
  });
});
