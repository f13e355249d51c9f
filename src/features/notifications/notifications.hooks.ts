import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { countUnread } from './notifications.queries.js';

/**
 * Sets `request.unreadNotifications` for a signed-in member on hub routes, for the header's
 * "Notifications (n)". A preHandler: it runs after the access guard, so only for requests the
 * member may make, and never for public pages. One indexed count per hub request.
 */
export const unreadNotificationCount: FastifyPluginAsync = fp(async (app) => {
  app.addHook('preHandler', async (request) => {
    const actor = request.actor;
    if (actor?.kind !== 'staff' || !request.tenant || !request.routeOptions.url?.startsWith('/r/:tenant/hub')) return;
    try {
      request.unreadNotifications = await countUnread(request.tenant.db.kysely, actor.id);
    } catch (err) {
      // A count is never worth failing a page for: the header then shows the link without it.
      request.log.warn({ err: (err as Error).message }, 'unread notification count unavailable');
    }
  });
});
