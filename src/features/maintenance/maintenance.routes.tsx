import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { scheduleSchema, windowIdSchema } from './maintenance.schema.js';
import { cancelMaintenance, scheduleWindow, upcomingWindows } from './maintenance.service.js';
import { MaintenancePage } from './maintenance.views.js';
import { queueMaintenanceAnnouncement } from '../notifications/notifications.public.js';
import { inOperatorScope } from '../../platform/http/scopes.js';

const notices: Record<string, string> = {
  scheduled: 'The window is announced; rescues see the banner from a week before it starts.',
  cancelled: 'The window was cancelled; its banner is gone.',
};

/** The operator console's maintenance windows (mounted under /operator). */
export const maintenanceRoutes = inOperatorScope(async (app) => {
  const { ctx, page } = app.kona;
  const control = ctx.control.kysely;
  const permission = { config: { permission: 'operator' as const } };
  const show = async (request: FastifyRequest, reply: FastifyReply, status: number, form: FormState = emptyForm, notice?: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderPage(<MaintenancePage ctx={page(request, 'operator')} windows={await upcomingWindows(control)} form={form} notice={notice} />));

  app.get<{ Querystring: { done?: string } }>('/maintenance', permission, async (request, reply) =>
    show(request, reply, 200, emptyForm, request.query.done ? notices[request.query.done] : undefined),
  );

  app.post('/maintenance', permission, async (request, reply) => {
    const parsed = parseForm(scheduleSchema, request.body);
    if (!parsed.ok) return show(request, reply, 400, parsed.state);
    const id = await scheduleWindow(control, parsed.data, { type: 'operator', id: request.actor.id });
    // Every rescue's people get a notification: a control-plane job fans out over the registry.
    await queueMaintenanceAnnouncement(ctx.control, ctx.jobs, id);
    app.fastify.refreshMaintenance?.();
    return reply.redirect('/operator/maintenance?done=scheduled', 303);
  });

  app.post('/maintenance/:id/cancel', permission, async (request, reply) => {
    const parsed = windowIdSchema.safeParse(request.params);
    if (!parsed.success) throw notFound('That maintenance window');
    await cancelMaintenance(control, parsed.data.id, { type: 'operator', id: request.actor.id });
    app.fastify.refreshMaintenance?.();
    return reply.redirect('/operator/maintenance?done=cancelled', 303);
  });
});
