import type { FastifyReply } from 'fastify';
import { h, type JSX } from 'preact';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, staffActor } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { absoluteUrl } from '../site/embed.public.js';
import { privacySchema, setViewersSeeContactDetails, viewersSeeContactDetails } from './privacy.js';
import { PrivacyForm } from './privacy.views.js';
import { getRescueSettings } from './settings.service.js';
import { SettingsPage } from './settings.views.js';

const notices: Record<string, string> = {
  saved: 'The privacy setting was saved. Viewers see applicants\u2019 contact details as it now says.',
  unchanged: 'The privacy setting had not changed, so nothing was saved.',
};

/** The Privacy section of the settings page: the current choice, or what was sent with its error. */
export async function privacySection(request: StaffRequest, rejected?: FormState): Promise<JSX.Element> {
  const allow = await viewersSeeContactDetails(request.tenant.db.kysely);
  const form = rejected ?? { values: { viewers_see_contact_details: allow ? 'yes' : 'no' }, errors: {} };
  return h(PrivacyForm, { ctx: request.server.kona.page(request, 'hub'), form });
}

/** The notice the settings page shows after the Privacy form was sent (`?privacy=saved`). */
export function privacyNotice(query: unknown): string | undefined {
  const key = (query as { privacy?: unknown } | undefined)?.privacy;
  return typeof key === 'string' ? notices[key] : undefined;
}

async function reshow(request: StaffRequest, reply: FastifyReply, rejected: FormState) {
  const { ctx, page } = request.server.kona;
  const values = await getRescueSettings(request.tenant.db.kysely, request.tenant.name);
  const siteUrl = absoluteUrl(ctx.config.publicUrl, request.basePath, '/');
  return sendPage(reply, 400, h(SettingsPage, { ctx: page(request, 'hub'), form: { values, errors: {} }, siteUrl }, await privacySection(request, rejected)));
}

/** POST /hub/settings/privacy: admins choose whether viewers see applicants' contact details (audited). */
export const privacyRoutes = inTenantScope(async (app) => {
  app.post('/hub/settings/privacy', { config: { permission: 'settings.manage' } }, async (request, reply) => {
    const parsed = parseForm(privacySchema, request.body);
    if (!parsed.ok) return reshow(request, reply, parsed.state);
    const allow = parsed.data.viewers_see_contact_details === 'yes';
    const changed = await setViewersSeeContactDetails(request.tenant.db.kysely, allow, request.tenant.name, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/settings?privacy=${changed ? 'saved' : 'unchanged'}#privacy-heading`, 303);
  });
});
