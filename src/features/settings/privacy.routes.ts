import { parseForm } from '../../platform/http/forms.js';
import { staffActor } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { privacySchema, setViewersSeeContactDetails } from './privacy.js';
import { showSettings } from './settings.routes.js';

/** POST /hub/settings/privacy: admins choose whether viewers see applicants' contact details (audited). */
export const privacyRoutes = inTenantScope(async (app) => {
  app.post('/hub/settings/privacy', { config: { permission: 'settings.manage' } }, async (request, reply) => {
    const parsed = parseForm(privacySchema, request.body);
    if (!parsed.ok) return showSettings(request, reply, 400, undefined, { privacy: parsed.state });
    const allow = parsed.data.viewers_see_contact_details === 'yes';
    const changed = await setViewersSeeContactDetails(request.tenant.db.kysely, allow, request.tenant.name, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/settings?privacy=${changed ? 'saved' : 'unchanged'}#privacy-heading`, 303);
  });
});
