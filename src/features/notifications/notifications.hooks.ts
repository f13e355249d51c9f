import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { countUnread } from './notifications.queries.js';

// Rendered like the layout's header link, so the count lands in exactly that element.
const headerLink = (basePath: string, unread: number) =>
  renderToString(h('a', { class: 'notifications-link', href: `${basePath}/hub/notifications` }, unread ? `Notifications (${unread})` : 'Notifications'));

/**
 * Adds the member's unread count to the hub header's "Notifications" link. It runs as the response
 * is sent and only for a hub page (page.ts marks the request when it frames one for a member), so
 * photos, document and PDF downloads and redirects never pay for the count.
 */
export const unreadNotificationCount: FastifyPluginAsync = fp(async (app) => {
  app.addHook('onSend', async (request, _reply, payload) => {
    const staffId = request.hubPageMember;
    if (!staffId || !request.tenant || typeof payload !== 'string') return payload;
    const plain = headerLink(request.basePath, 0);
    if (!payload.includes(plain)) return payload;
    try {
      const unread = await countUnread(request.tenant.db.kysely, staffId);
      return unread ? payload.replace(plain, headerLink(request.basePath, unread)) : payload;
    } catch (err) {
      // A count is never worth failing a page for: the header then shows the link without it.
      request.log.warn({ err: (err as Error).message }, 'unread notification count unavailable');
      return payload;
    }
  });
});
