import type { FastifyPluginAsync } from 'fastify';
import type { JSX } from 'preact';
import { can } from '../../platform/http/permissions.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { Layout, renderPage } from '../../platform/http/views/layout.js';
import type { DashboardCard, WaitingItem } from './dashboard.public.js';
import { WaitingCard, waitingFor } from './dashboard.waiting.js';

/** The hub's dashboard: the first page after sign-in, with what waits and the cards features register (apps/routes.ts). */
export function dashboardRoutes(cards: readonly DashboardCard[], waiting: readonly WaitingItem[] = []): FastifyPluginAsync {
  return inTenantScope(async (app) => {
    const { page } = app.kona;
    app.get('/hub', { config: { permission: 'hub.view' } }, async (request, reply) => {
      const { role } = request.actor;
      const ctx = page(request, 'hub');
      const basePath = ctx.basePath ?? '';
      const waitingItems = await waitingFor(request, waiting, basePath);
      const shown: JSX.Element[] = [];
      for (const card of cards) {
        const node = can(role, card.permission) ? await card.render(request, basePath) : null;
        if (node) shown.push(node);
      }
      return reply.type('text/html; charset=utf-8').send(
        renderPage(
          <Layout ctx={ctx} title="Dashboard">
            <h1>Dashboard</h1>
            <p>Welcome, {ctx.user?.name}. You are signed in to {ctx.rescueName} as {role}.</p>
            <ul class="cards">
              <WaitingCard items={waitingItems} />
              {shown}
              {can(role, 'staff.manage') && <li><h2>People</h2><p><a href={`${basePath}/hub/staff`}>Manage staff and invitations</a></p></li>}
              {can(role, 'settings.manage') && <li><h2>Settings</h2><p><a href={`${basePath}/hub/settings`}>Rescue name and public details</a></p></li>}
            </ul>
          </Layout>,
        ),
      );
    });
    app.get('/hub/', { config: { permission: 'hub.view' } }, async (request, reply) => reply.redirect(`${request.basePath}/hub`, 301));
  });
}
