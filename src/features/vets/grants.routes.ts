import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { z } from 'zod';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { serveDocument } from '../../platform/images/index.js';
import { downloadName } from '../medical/medical.public.js';
import { grantState, loadGrantForStaff, nowOf, type GrantRow } from './grants.js';
import { HubGrantPage } from './grants.views.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { messageSchema, postStaffMessage, staffNames, threadOf } from './thread.js';
import { acceptVetUpload, declineVetUpload, rescueStore, uploadsOf } from './uploads.js';

const extensions = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;
const notices: Record<string, string> = { reply: 'Your reply was sent; the vet was emailed that there is a new message.', accepted: 'The document was added to the medical record.', declined: 'The document was declined.' };
const uploadParams = z.object({ uploadId: z.uuid() });

const grantOf = (request: StaffRequest) => loadGrantForStaff(request.server.kona.ctx, request.tenant.slug, (request.params as { id?: unknown }).id);
const staffOf = (request: StaffRequest) => ({ type: 'staff' as const, id: request.actor.id });

function uploadIdOf(request: StaffRequest): string {
  const parsed = uploadParams.safeParse(request.params);
  if (!parsed.success) throw notFound('That upload');
  return parsed.data.uploadId;
}

async function showGrant(request: StaffRequest, reply: FastifyReply, grant: GrantRow, status: number, extra: { notice?: string; reply?: { form: FormState; text?: string } } = {}) {
  const ctx = request.server.kona.ctx;
  const db = request.tenant.db.kysely;
  const ring = ctx.secrets.keyRing;
  const names = await staffNames(ctx, db);
  const dog = await db.selectFrom('dogs').select(['id', 'name']).where('id', '=', grant.dog_id).executeTakeFirst();
  const view = {
    id: grant.id,
    vet: { name: ring.decrypt(grant.vet_name_enc), clinic: ring.decrypt(grant.vet_clinic_enc), licence: ring.decrypt(grant.vet_licence_enc), area: grant.vet_area },
    dog: dog ?? { id: grant.dog_id, name: 'A dog no longer on record' },
    state: grantState(grant, nowOf(ctx)), expiresAt: grant.expires_at, revokedAt: grant.revoked_at,
    thread: await threadOf(ctx, db, grant, (id) => names.get(id)),
    uploads: await uploadsOf(db, grant.id),
  };
  return sendPage(reply, status, h(HubGrantPage, { ctx: request.server.kona.page(request, 'hub'), view, notice: extra.notice, reply: extra.reply }));
}

/** The rescue's side of a vet's grant: its page (thread, the vet's documents), replies, accept and decline. */
export const vetGrantHubRoutes = inTenantScope(async (app) => {
  const ctx = app.kona.ctx;
  const back = (request: StaffRequest, grant: GrantRow, done: string, anchor: string) => `${request.basePath}/hub/vet-grants/${grant.id}?done=${done}#${anchor}`;

  app.get('/hub/vet-grants/:id', { config: { permission: 'medical.edit' } }, async (request, reply) => {
    const done = (request.query as { done?: unknown }).done;
    return showGrant(request, reply, await grantOf(request), 200, { notice: typeof done === 'string' ? notices[done] : undefined });
  });

  app.post('/hub/vet-grants/:id/messages', { config: { permission: 'medical.edit' } }, async (request, reply) => {
    const grant = await grantOf(request);
    if (grantState(grant, nowOf(ctx)) !== 'open') throw new KonaError('KONA_ERR_CONFLICT', 'This vet access has ended, so the vet can no longer read replies. Nothing was sent.');
    const parsed = parseForm(messageSchema, request.body);
    if (!parsed.ok) return showGrant(request, reply, grant, 400, { reply: { form: parsed.state, text: 'The reply was not sent: see the form.' } });
    await postStaffMessage(ctx, request.tenant.db.kysely, grant, request.actor.id, parsed.data.body, nowOf(ctx));
    return reply.redirect(back(request, grant, 'reply', 'messages'), 303);
  });

  app.get('/hub/vet-grants/:id/uploads/:uploadId/file', { config: { permission: 'medical.edit' } }, async (request, reply) => {
    const grant = await grantOf(request);
    const row = await request.tenant.db.kysely.selectFrom('vet_uploads').select(['id', 'sha256', 'content_type', 'title']).where('grant_id', '=', grant.id).where('id', '=', uploadIdOf(request)).executeTakeFirst();
    if (!row) throw notFound('That upload');
    return serveDocument(reply, { store: rescueStore(ctx, request.tenant.slug), key: row.sha256, contentType: row.content_type, filename: downloadName(row.title, row.id, extensions[row.content_type]) });
  });

  app.post('/hub/vet-grants/:id/uploads/:uploadId/accept', { config: { permission: 'medical.edit' } }, async (request, reply) => {
    const grant = await grantOf(request);
    await acceptVetUpload(ctx, request.tenant.db.kysely, grant, uploadIdOf(request), staffOf(request), nowOf(ctx));
    return reply.redirect(back(request, grant, 'accepted', 'uploads'), 303);
  });

  app.post('/hub/vet-grants/:id/uploads/:uploadId/decline', { config: { permission: 'medical.edit' } }, async (request, reply) => {
    const grant = await grantOf(request);
    await declineVetUpload(ctx, request.tenant.db.kysely, rescueStore(ctx, request.tenant.slug), grant, uploadIdOf(request), staffOf(request), nowOf(ctx));
    return reply.redirect(back(request, grant, 'declined', 'uploads'), 303);
  });
});
