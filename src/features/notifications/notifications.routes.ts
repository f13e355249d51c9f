import type { FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { notificationIdSchema, notificationListQuerySchema } from './notifications.schema.js';
import { notificationsOf, openNotification, readAllNotifications, readNotification } from './notifications.service.js';
import { NotificationsPage } from './notifications.views.js';
import { sendPage } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';

const self = { config: { permission: 'notifications.self' as const } };

/** The signed-in member's id: these routes only ever touch that person's rows. */
function memberId(request: FastifyRequest): string {
  const actor = request.actor;
  if (actor?.kind !== 'staff') throw new Error('notifications.self routes run only for staff');
  return actor.id;
}

function notificationId(request: FastifyRequest): string {
  const parsed = notificationIdSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That notification');
  return parsed.data.id;
}

/** The hub's notifications page and its mark-read actions. */
export const notificationsRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;
  const list = (request: FastifyRequest, done = '') => `${request.basePath}/hub/notifications${done ? `?done=${done}` : ''}`;

  app.get('/hub/notifications', self, async (request, reply) => {
    const query = notificationListQuerySchema.parse(request.query ?? {});
    const result = await notificationsOf(request.tenant.db.kysely, memberId(request), query.page);
    return sendPage(reply, 200, h(NotificationsPage, { ctx: page(request, 'hub'), list: result, done: query.done }));
  });

  app.post('/hub/notifications/read-all', self, async (request, reply) => {
    await readAllNotifications(request.tenant.db.kysely, memberId(request));
    return reply.redirect(list(request, 'all-read'), 303);
  });

  app.post('/hub/notifications/:id/read', self, async (request, reply) => {
    await readNotification(request.tenant.db.kysely, memberId(request), notificationId(request));
    return reply.redirect(list(request, 'read'), 303);
  });

  // Following a notification's link marks it read: a POST (it changes state), then a redirect.
  app.post('/hub/notifications/:id/open', self, async (request, reply) => {
    const link = await openNotification(request.tenant.db.kysely, memberId(request), notificationId(request));
    return reply.redirect(link ? `${request.basePath}${link}` : list(request, 'read'), 303);
  });
});
