import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemClock } from '../../platform/clock/clock.js';
import type { AppContext } from '../../platform/http/context.js';
import { KonaError } from '../../platform/errors/errors.js';
import { idParam, sendPage } from '../../platform/http/replies.js';
import { inOperatorScope, inTenantScope, type OperatorRequest, type StaffRequest } from '../../platform/http/scopes.js';
import { decideVet, hubDecisions, listVets, type Decider, type VerifyDeps, type VetDecision } from './verify.service.js';
import { decisionNotices, HubVetsPage, OperatorVetsPage } from './verify.views.js';

const decisions = ['verify', 'reject', 'disable', 'enable'] as const satisfies readonly VetDecision[];
const doneQuery = z.object({ done: z.enum(decisions).optional().catch(undefined) });

function verifyDeps(ctx: AppContext): VerifyDeps {
  return { control: ctx.control.kysely, keyRing: ctx.secrets.keyRing, jobs: ctx.jobs, clock: ctx.clock ?? systemClock, origin: ctx.config.publicUrl.origin };
}

/** Takes a decision, or re-shows the page with the reason (409) when the vet's status no longer allows it. */
async function decide(request: FastifyRequest, reply: FastifyReply, deps: VerifyDeps, decision: VetDecision, decider: Decider, done: string, reshow: (message: string) => Promise<unknown>) {
  const vetId = idParam(request, 'That vet account');
  try {
    await decideVet(deps, vetId, decision, decider);
  } catch (err) {
    if (err instanceof KonaError && err.code === 'KONA_ERR_CONFLICT') {
      reply.code(409);
      return reshow(err.message);
    }
    throw err;
  }
  return reply.redirect(`${done}?done=${decision}`, 303);
}

/** The operator console's vets page (mounted under `/operator`): every vet, pending first, and the decisions. */
export const operatorVetsRoutes = inOperatorScope(async (app) => {
  const { ctx, page } = app.kona;
  const deps = verifyDeps(ctx);
  const show = async (request: OperatorRequest, reply: FastifyReply, extra: { notice?: string; message?: string }) =>
    sendPage(reply, reply.statusCode, <OperatorVetsPage ctx={page(request, 'operator')} vets={await listVets(deps)} {...extra} />);

  app.get('/vets', { config: { permission: 'operator' } }, async (request, reply) => {
    const { done } = doneQuery.parse(request.query ?? {});
    return show(request, reply, { notice: done ? decisionNotices[done] : undefined });
  });

  for (const decision of decisions) {
    app.post(`/vets/:id/${decision}`, { config: { permission: 'operator' } }, async (request, reply) =>
      decide(request, reply, deps, decision, { type: 'operator', id: request.actor.id }, '/operator/vets', (message) => show(request, reply, { message })));
  }
});

/** The hub's vets page for a rescue's admins (`staff.manage`): vets waiting for verification, to verify or reject. */
export const hubVetsRoutes = inTenantScope(async (app) => {
  const { ctx, page } = app.kona;
  const deps = verifyDeps(ctx);
  const permission = { config: { permission: 'staff.manage' as const } };
  const show = async (request: StaffRequest, reply: FastifyReply, extra: { notice?: string; message?: string }) =>
    sendPage(reply, reply.statusCode, <HubVetsPage ctx={page(request, 'hub')} vets={await listVets(deps, { pendingOnly: true })} {...extra} />);

  app.get('/hub/vets', permission, async (request, reply) => {
    const { done } = doneQuery.parse(request.query ?? {});
    return show(request, reply, { notice: done ? decisionNotices[done] : undefined });
  });

  for (const decision of hubDecisions) {
    app.post(`/hub/vets/:id/${decision}`, permission, async (request, reply) => {
      const decider: Decider = { type: 'staff', id: request.actor.id, tenant: request.tenant.slug, tenantDb: request.tenant.db.kysely };
      return decide(request, reply, deps, decision, decider, `${request.basePath}/hub/vets`, (message) => show(request, reply, { message }));
    });
  }
});
