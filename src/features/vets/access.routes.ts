import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { z } from 'zod';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inVetScope, type VetRequest } from '../../platform/http/scopes.js';
import { serveDocument } from '../../platform/images/index.js';
import { documentOf, downloadName } from '../medical/medical.public.js';
import { grantPhoto, vetAccessView } from './access.js';
import { grantPath, VetAccessPage, type AccessPageState } from './access.views.js';
import { auditGrant, loadGrantForVet, nowOf, type OpenGrant } from './grants.js';
import { messageSchema, postVetMessage } from './thread.js';
import { receiveVetUpload } from './uploads.receive.js';
import { rescueStore, vetUploadMaxBytes } from './uploads.js';

const extensions = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;
const notices: Record<string, string> = { message: 'Your message was sent to the rescue.', upload: 'The document was sent. The rescue decides whether to add it to the record.', 'upload-duplicate': 'You had already sent this document; nothing new was stored.' };
const documentParams = z.object({ documentId: z.uuid() });

const grantOf = (request: VetRequest) => loadGrantForVet(request.server.kona.ctx, request.actor.id, (request.params as { grantId?: unknown }).grantId);
const vetActor = (request: VetRequest) => ({ type: 'vet' as const, id: request.actor.id });

async function showAccess(request: VetRequest, reply: FastifyReply, open: OpenGrant, status: number, state: AccessPageState) {
  const ctx = request.server.kona.ctx;
  const view = await vetAccessView(ctx, open);
  return sendPage(reply, status, h(VetAccessPage, { ctx: request.server.kona.page(request, 'vet'), view, state, maxMb: ctx.config.settings.KONA_DOCUMENT_MAX_MB }));
}

/**
 * What a grant gives a vet, under `/vet/access/:grantId`: the dog's record read-only, its photo and
 * documents, the thread and uploads. Every route checks the grant first, on every request.
 */
export const vetAccessRoutes = inVetScope(async (app) => {
  const ctx = app.kona.ctx;
  // Multipart only in this scope; fileSize one byte above the limit so the service, which counts, refuses with the limit in its message.
  await app.fastify.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: vetUploadMaxBytes(ctx) + 1, files: 1, fields: 3, fieldSize: 1024, parts: 4 } });

  app.get('/access/:grantId', { config: { permission: 'vet' } }, async (request, reply) => {
    const open = await grantOf(request);
    await auditGrant(ctx, open.tenant.db.kysely, open.grant, vetActor(request), 'vet.record_viewed');
    const done = (request.query as { done?: unknown }).done;
    return showAccess(request, reply, open, 200, { notice: typeof done === 'string' ? notices[done] : undefined });
  });

  app.get('/access/:grantId/photo', { config: { permission: 'vet' } }, async (request, reply) => {
    const open = await grantOf(request);
    const photo = await grantPhoto(open.tenant.db.kysely, open.grant.dog_id);
    const key = photo?.variants['medium.jpg'];
    if (!key) throw notFound('That photo');
    const blob = await rescueStore(ctx, open.tenant.slug).get(key);
    if (!blob) throw notFound('That photo');
    // Never cached: a revoked grant must take the photo with it on the next request.
    return reply.type('image/jpeg').header('cache-control', 'private, no-store').header('content-length', blob.size).send(blob.stream);
  });

  app.get('/access/:grantId/documents/:documentId', { config: { permission: 'vet' } }, async (request, reply) => {
    const open = await grantOf(request);
    const params = documentParams.safeParse(request.params);
    if (!params.success) throw notFound('That document');
    // documentOf reads by dog and id together: another dog's document is not found.
    const doc = await documentOf(open.tenant.db.kysely, open.grant.dog_id, params.data.documentId);
    await auditGrant(ctx, open.tenant.db.kysely, open.grant, vetActor(request), 'vet.document_downloaded', { document_id: doc.id });
    return serveDocument(reply, { store: rescueStore(ctx, open.tenant.slug), key: doc.sha256, contentType: doc.content_type, filename: downloadName(doc.title, doc.id, extensions[doc.content_type]) });
  });

  app.post('/access/:grantId/messages', { config: { permission: 'vet' } }, async (request, reply) => {
    const open = await grantOf(request);
    const parsed = parseForm(messageSchema, request.body);
    if (!parsed.ok) return showAccess(request, reply, open, 400, { message: { form: parsed.state, text: 'The message was not sent: see the form.' } });
    const dog = await open.tenant.db.kysely.selectFrom('dogs').select('name').where('id', '=', open.grant.dog_id).executeTakeFirstOrThrow();
    await postVetMessage(ctx, open.tenant.db.kysely, open.grant, dog.name, parsed.data.body, nowOf(ctx));
    return reply.redirect(`${grantPath(open.grant.id)}?done=message#messages`, 303);
  });

  // CSRF is checked in the route (receiveVetUpload) before any of the file is read: the body streams.
  app.post('/access/:grantId/uploads', { config: { permission: 'vet', csrf: 'in-route' } }, async (request, reply) => {
    const open = await grantOf(request);
    if (!request.isMultipart()) throw new KonaError('KONA_ERR_BAD_REQUEST', 'Send documents with the upload form (multipart/form-data).');
    const db = open.tenant.db.kysely;
    const dog = await db.selectFrom('dogs').select('name').where('id', '=', open.grant.dog_id).executeTakeFirstOrThrow();
    const deps = { ctx, db, store: rescueStore(ctx, open.tenant.slug), maxBytes: vetUploadMaxBytes(ctx) };
    const outcome = await receiveVetUpload(request, deps, open.grant, dog.name);
    if (!outcome.ok) return showAccess(request, reply, open, outcome.status, { upload: { form: outcome.form, text: outcome.message } });
    return reply.redirect(`${grantPath(open.grant.id)}?done=${outcome.duplicate ? 'upload-duplicate' : 'upload'}#uploads`, 303);
  });
});
