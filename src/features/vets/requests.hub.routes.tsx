import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import type { z } from 'zod';
import { systemClock } from '../../platform/clock/clock.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import type { AppContext } from '../../platform/http/context.js';
import { parseForm } from '../../platform/http/forms.js';
import { idParam, sendPage } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { counted, type WaitingItem } from '../dashboard/dashboard.public.js';
import { rescueRequestRow, rescueRequestRows } from './requests.lists.js';
import { countPendingRequests } from './requests.queries.js';
import { approveSchema, denySchema, revokeSchema } from './requests.schema.js';
import { decideRequest, type DecisionInput } from './requests.service.js';
import { VetRequestPage, VetRequestsPage, type DecisionForms } from './requests.hub.views.js';

const nowOf = (ctx: AppContext) => (ctx.clock ?? systemClock).now();
const done: Record<string, string> = { approved: 'Access was approved; the vet was emailed.', denied: 'The request was denied; the vet was emailed the reason.', revoked: 'Access was ended at once; the vet was emailed.' };
const permission = { config: { permission: 'medical.edit' as const } };

/** The hub's Vet access pages: `/hub/vet-requests`, one request, and its approve, deny and revoke forms. */
export const vetRequestsHubRoutes = inTenantScope(async (app) => {
  const { ctx, page } = app.kona;
  const rowOf = async (request: StaffRequest) => {
    const row = await rescueRequestRow(ctx.control.kysely, request.tenant.db.kysely, ctx.secrets.keyRing, request.tenant.slug, idParam(request, 'That vet access request'), nowOf(ctx));
    if (!row) throw notFound('That vet access request');
    return row;
  };
  const show = async (request: StaffRequest, reply: FastifyReply, status: number, forms?: DecisionForms, notice?: string) =>
    sendPage(reply.header('cache-control', 'no-store'), status, h(VetRequestPage, { ctx: page(request, 'hub'), r: await rowOf(request), forms, notice }));

  app.get('/hub/vet-requests', permission, async (request, reply) => {
    const rows = await rescueRequestRows(ctx.control.kysely, request.tenant.db.kysely, ctx.secrets.keyRing, request.tenant.slug, nowOf(ctx));
    return sendPage(reply.header('cache-control', 'no-store'), 200, h(VetRequestsPage, { ctx: page(request, 'hub'), rows }));
  });
  app.get<{ Querystring: { done?: string } }>('/hub/vet-requests/:id', permission, async (request, reply) =>
    show(request, reply, 200, undefined, typeof request.query.done === 'string' ? done[request.query.done] : undefined));

  const decision = <S extends z.ZodType>(action: 'approve' | 'deny' | 'revoke', schema: S, input: (data: z.infer<S>) => DecisionInput) => {
    app.post(`/hub/vet-requests/:id/${action}`, permission, async (request, reply) => {
      const id = (await rowOf(request)).id;
      const parsed = parseForm(schema, request.body);
      if (!parsed.ok) return show(request, reply, 400, { [action]: parsed.state, message: 'Nothing was changed: check the field marked below.' });
      const d = input(parsed.data);
      try {
        await decideRequest({ control: ctx.control.kysely, tenants: ctx.tenants, keyRing: ctx.secrets.keyRing, now: nowOf(ctx) },
          { slug: request.tenant.slug, database: request.tenant.db, rescueName: request.rescueName ?? request.tenant.name, staffId: request.actor.id, jobs: ctx.jobs, publicUrl: ctx.config.publicUrl }, id, d);
      } catch (err) {
        if (!(err instanceof KonaError) || err.code !== 'KONA_ERR_CONFLICT') throw err;
        return show(request, reply, 409, { message: err.message });
      }
      return reply.redirect(`${request.basePath}/hub/vet-requests/${id}?done=${d.to}`, 303);
    });
  };
  decision('approve', approveSchema, (v) => ({ to: 'approved', days: v.days }));
  decision('deny', denySchema, (v) => ({ to: 'denied', reason: v.reason }));
  decision('revoke', revokeSchema, (v) => ({ to: 'revoked', reason: v.reason }));
});

/** The dashboard's "vet requests waiting" item: this rescue's requests waiting for a decision. */
export const vetRequestsWaiting: WaitingItem = {
  permission: 'medical.edit',
  count: (request) => countPendingRequests(request.server.kona.ctx.control.kysely, request.tenant.slug),
  label: (n) => `${counted(n, 'vet access request', 'vet access requests')} waiting for a decision`,
  path: '/hub/vet-requests',
};
