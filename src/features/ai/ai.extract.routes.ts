/**
 * A medical document's proposed entries: the page (medical.view), "Extract again" (queues the batch
 * job, medical.edit), and confirming or dismissing each proposal (medical.edit, the permission of the
 * medical edit routes that a confirm writes through).
 */
import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { z } from 'zod';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { actorCan, sendPage, staffActor } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { getDog } from '../dogs/dogs.public.js';
import { documentOf } from '../medical/medical.public.js';
import { extractDocumentJob } from './ai.jobs.js';
import { decideProposal, latestExtraction, type ExtractDeps } from './ai.extract.service.js';
import { ExtractionPage } from './ai.extract.views.js';
import { aiRuntimeFrom } from './ai.runtime.js';

const docParams = z.object({ id: z.uuid(), documentId: z.uuid() });
const proposalParams = docParams.extend({ draftId: z.uuid(), proposalId: z.string().regex(/^p\d{1,4}$/), decision: z.enum(['confirm', 'dismiss']) });
const view = { config: { permission: 'medical.view' as const } };
const edit = { config: { permission: 'medical.edit' as const } };

const notices: Record<string, string> = {
  queued: 'The document will be read again shortly. Reload this page in a minute.',
  confirmed: 'The entry was confirmed and recorded.',
  dismissed: 'The proposed entry was dismissed.',
};

/**
 * Queues the reading of a document as a batch job (never run in the request). The medical feature
 * calls this after an upload through the hook the composition root wires; "Extract again" too.
 */
export async function queueExtraction(request: StaffRequest, dogId: string, documentId: string): Promise<void> {
  await enqueueJob(request.tenant.db, request.server.kona.ctx.jobs, extractDocumentJob, { dogId, documentId });
}

function extractDepsOf(request: StaffRequest): ExtractDeps {
  const { ctx } = request.server.kona;
  return {
    db: request.tenant.db.kysely, ring: ctx.secrets.keyRing, actor: staffActor(request), today: rescueTodayOf(request),
    canEdit: () => actorCan(request, 'medical.edit'), rt: aiRuntimeFrom(ctx.config, ctx.inference, request.tenant.slug),
  };
}

async function showExtraction(request: StaffRequest, reply: FastifyReply, ids: { id: string; documentId: string }, status: number, extra: { notice?: string; message?: string } = {}) {
  const db = request.tenant.db.kysely;
  const dog = await getDog(db, ids.id);
  const doc = await documentOf(db, ids.id, ids.documentId);
  const found = await latestExtraction(db, request.server.kona.ctx.secrets.keyRing, ids.id, ids.documentId);
  return sendPage(reply, status, h(ExtractionPage, {
    ctx: request.server.kona.page(request, 'hub'), dogId: dog.id, dogName: dog.name, document: { id: doc.id, title: doc.title },
    view: found, canEdit: actorCan(request, 'medical.edit'), ...extra,
  }));
}

/** The proposed entries routes. */
export const extractionRoutes = inTenantScope(async (app) => {
  app.get<{ Querystring: { done?: string } }>('/hub/dogs/:id/documents/:documentId/extraction', view, async (request, reply) => {
    const ids = docParams.safeParse(request.params);
    if (!ids.success) throw notFound('That document');
    return showExtraction(request, reply, ids.data, 200, { notice: notices[request.query.done ?? ''] });
  });

  app.post('/hub/dogs/:id/documents/:documentId/extract', edit, async (request, reply) => {
    const ids = docParams.safeParse(request.params);
    if (!ids.success) throw notFound('That document');
    await documentOf(request.tenant.db.kysely, ids.data.id, ids.data.documentId);
    await queueExtraction(request, ids.data.id, ids.data.documentId);
    return reply.redirect(`${request.basePath}/hub/dogs/${ids.data.id}/documents/${ids.data.documentId}/extraction?done=queued`, 303);
  });

  app.post('/hub/dogs/:id/documents/:documentId/extraction/:draftId/proposals/:proposalId/:decision', edit, async (request, reply) => {
    const p = proposalParams.safeParse(request.params);
    if (!p.success) throw notFound('That proposed entry');
    const decision = p.data.decision === 'confirm' ? 'confirmed' : 'dismissed';
    try {
      await decideProposal(extractDepsOf(request), { dogId: p.data.id, documentId: p.data.documentId, draftId: p.data.draftId, proposalId: p.data.proposalId }, decision);
    } catch (err) {
      // A refusal (already decided, no date, a microchip on another dog) is shown on the page, with nothing written.
      if (!(err instanceof KonaError) || err.code === 'KONA_ERR_NOT_FOUND') throw err;
      return showExtraction(request, reply, p.data, err.status, { message: err.message });
    }
    return reply.redirect(`${request.basePath}/hub/dogs/${p.data.id}/documents/${p.data.documentId}/extraction?done=${decision}`, 303);
  });
});
