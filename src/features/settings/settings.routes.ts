import type { FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parseForm } from '../../platform/http/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { settingsSchema } from './settings.schema.js';
import { getRescueSettings, updateRescueSettings } from './settings.service.js';
import { SettingsPage } from './settings.views.js';
import { absoluteUrl } from '../site/embed.public.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { privacyNotice, privacySection } from './privacy.routes.js';

const notices: Record<string, string> = {
  saved: 'The settings were saved. The public home page shows them now.',
  unchanged: 'Nothing had changed, so nothing was saved.',
};

/** The rescue settings page (name and tagline of the public site). */
export const settingsRoutes = inTenantScope(async (app) => {
  const { page, ctx } = app.kona;
  const siteUrl = (request: FastifyRequest) => absoluteUrl(ctx.config.publicUrl, request.basePath, '/');
  const permission = { config: { permission: 'settings.manage' as const } };

  app.get<{ Querystring: { done?: string } }>('/hub/settings', permission, async (request, reply) => {
    const values = await getRescueSettings(request.tenant.db.kysely, request.tenant.name);
    const notice = (request.query.done ? notices[request.query.done] : undefined) ?? privacyNotice(request.query);
    return reply.type('text/html; charset=utf-8').send(renderPage(h(SettingsPage, { ctx: page(request, 'hub'), form: { values, errors: {} }, notice, siteUrl: siteUrl(request) }, await privacySection(request))));
  });

  app.post('/hub/settings', permission, async (request, reply) => {
    const parsed = parseForm(settingsSchema, request.body);
    if (!parsed.ok) return reply.code(400).type('text/html; charset=utf-8').send(renderPage(h(SettingsPage, { ctx: page(request, 'hub'), form: parsed.state, siteUrl: siteUrl(request) }, await privacySection(request))));
    const { changed } = await updateRescueSettings(request.tenant.db.kysely, parsed.data, { type: 'staff', id: request.actor.id });
    return reply.redirect(`${request.basePath}/hub/settings?done=${changed.length ? 'saved' : 'unchanged'}`, 303);
  });
});
