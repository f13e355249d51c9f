import { parseForm } from '../../platform/http/forms.js';
import { staffActor } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { lostAndFoundSchema, setLostAndFound } from './lostfound.setting.js';
import { showSettings } from './settings.routes.js';

/** POST /hub/settings/lost-and-found (admins; audited). */
export const lostAndFoundSettingRoutes = inTenantScope(async (app) => {
  app.post('/hub/settings/lost-and-found', { config: { permission: 'settings.manage' } }, async (request, reply) => {
    const parsed = parseForm(lostAndFoundSchema, request.body);
    if (!parsed.ok) return showSettings(request, reply, 400, undefined, { lostAndFound: parsed.state });
    const changed = await setLostAndFound(request.tenant.db.kysely, parsed.data.lost_and_found === 'yes', request.tenant.name, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/settings?lostfound=${changed ? 'saved' : 'unchanged'}#lost-and-found-heading`, 303);
  });
});

