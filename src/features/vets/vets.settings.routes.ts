import { h } from 'preact';
import { systemClock } from '../../platform/clock/clock.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, staffActor } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { setVetSearch, vetSearchSettingSchema, VetSearchRefusedPage } from './vets.settings.js';

/** POST /hub/settings/vet-search (admins; audited). */
export const vetSearchSettingRoutes = inTenantScope(async (app) => {
  const { ctx, page } = app.kona;
  app.post('/hub/settings/vet-search', { config: { permission: 'settings.manage' } }, async (request, reply) => {
    const parsed = parseForm(vetSearchSettingSchema, request.body);
    if (!parsed.ok) return sendPage(reply, 400, h(VetSearchRefusedPage, { ctx: page(request, 'hub'), form: parsed.state }));
    const now = new Date((ctx.clock ?? systemClock).now());
    const changed = await setVetSearch(request.tenant.db.kysely, parsed.data.vet_search === 'yes', request.tenant.name, staffActor(request), now);
    return reply.redirect(`${request.basePath}/hub/settings?vets=${changed ? 'saved' : 'unchanged'}#vet-search-heading`, 303);
  });
});
