import type { FastifyPluginAsync } from 'fastify';
import { can } from '../../platform/http/permissions.js';
import { Layout, renderPage } from '../../platform/http/views/layout.js';
import { DogsCard } from '../dogs/dogs.dashboard.js';
import { dogCounts } from '../dogs/dogs.service.js';
import { dueHorizonDays, medicalDue, rescueToday } from '../medical/medical.due.js';
import { DueCard } from '../medical/medical.due.views.js';

/** The hub's dashboard: the first page after sign-in. Later features add their panels here. */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const { page } = app.kona;
  app.get('/hub', { config: { permission: 'hub.view' } }, async (request, reply) => {
    const actor = request.actor!;
    const ctx = page(request, 'hub');
    const role = actor.kind === 'staff' ? actor.role : 'viewer';
    const dogs = can(role, 'dogs.view') ? await dogCounts(request.tenant!.db.kysely) : undefined;
    const due = can(role, 'medical.view') ? await medicalDue(request.tenant!.db.kysely, rescueToday(), dueHorizonDays) : undefined;
    return reply.type('text/html').send(
      renderPage(
        <Layout ctx={ctx} title="Dashboard">
          <h1>Dashboard</h1>
          <p>Welcome, {ctx.user?.name}. You are signed in to {ctx.rescueName} as {role}.</p>
          <ul class="cards">
            {dogs && <DogsCard basePath={ctx.basePath ?? ''} counts={dogs} canEdit={can(role, 'dogs.edit')} />}
            {due && <DueCard basePath={ctx.basePath ?? ''} due={due} horizonDays={dueHorizonDays} />}
            {can(role, 'staff.manage') && <li><h2>People</h2><p><a href={`${ctx.basePath}/hub/staff`}>Manage staff and invitations</a></p></li>}
            {can(role, 'settings.manage') && <li><h2>Settings</h2><p><a href={`${ctx.basePath}/hub/settings`}>Rescue name and public details</a></p></li>}
          </ul>
        </Layout>,
      ),
    );
  });
  app.get('/hub/', { config: { permission: 'hub.view' } }, async (request, reply) => reply.redirect(`${request.basePath}/hub`, 301));
};
