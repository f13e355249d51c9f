import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { systemClock } from '../../platform/clock/clock.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, staffActor } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { logoVersionOf } from '../../platform/http/identity.js';
import { absoluteUrl } from '../site/embed.public.js';
import { logoMaxBytes } from './settings.logo.js';
import { settingsSchema } from './settings.schema.js';
import { getRescueSettings, settingsFormValues, updateRescueSettings } from './settings.service.js';
import { SettingsPage } from './settings.views.js';
import { privacyNotice, privacySection } from './privacy.section.js';
import { lostAndFoundNotice, lostAndFoundSection } from './lostfound.setting.js';
import { vetSearchNotice, vetSearchSection } from '../vets/vets.settings.public.js';

const notices: Record<string, string> = {
  saved: 'The settings were saved. The public pages show them now.',
  unchanged: 'Nothing had changed, so nothing was saved.',
  logo: 'The logo was saved. The public pages and the site icon show it now.',
  'logo-removed': 'The logo was removed.',
};

/** What the settings page shows besides the form: the notice, the logo, a logo error. */
export interface SettingsPageExtras {
  notice?: string;
  logoError?: string;
  /** The Privacy form as it was sent, when it was refused. */
  privacy?: FormState;
  /** The Lost and found form as it was sent, when it was refused. */
  lostAndFound?: FormState;
}

/** Sends the settings page with a form state (the saved values, or what was typed and what was wrong). */
export async function showSettings(request: StaffRequest, reply: FastifyReply, status: number, form: FormState | undefined, extras: SettingsPageExtras = {}) {
  const { page, ctx } = request.server.kona;
  const values = form ?? { values: settingsFormValues(await getRescueSettings(request.tenant.db.kysely, request.tenant.name)), errors: {} };
  const version = request.rescueIdentity?.logoVersion ?? logoVersionOf(null);
  return sendPage(reply, status, h(SettingsPage, {
    ctx: page(request, 'hub'), form: values, notice: extras.notice, logoError: extras.logoError, logoMaxMb: logoMaxBytes / (1024 * 1024),
    logoUrl: version ? `${request.basePath}/logo.png?v=${version}` : undefined,
    siteUrl: absoluteUrl(ctx.config.publicUrl, request.basePath, '/'),
  }, await privacySection(request, extras.privacy), await lostAndFoundSection(request, extras.lostAndFound), await vetSearchSection(request)));
}

/** The rescue settings page: identity, contact details, time zone, currency, locale and default fees. */
export const settingsRoutes = inTenantScope(async (app) => {
  const { ctx } = app.kona;
  const permission = { config: { permission: 'settings.manage' as const } };

  app.get<{ Querystring: { done?: string } }>('/hub/settings', permission, async (request, reply) =>
    showSettings(request, reply, 200, undefined, { notice: (request.query.done ? notices[request.query.done] : undefined) ?? privacyNotice(request.query) ?? lostAndFoundNotice(request.query) ?? vetSearchNotice(request.query) }));

  app.post('/hub/settings', permission, async (request, reply) => {
    const parsed = parseForm(settingsSchema, request.body);
    if (!parsed.ok) return showSettings(request, reply, 400, parsed.state);
    const now = new Date((ctx.clock ?? systemClock).now());
    const { changed } = await updateRescueSettings(request.tenant.db.kysely, parsed.data, staffActor(request), now);
    return reply.redirect(`${request.basePath}/hub/settings?done=${changed.length ? 'saved' : 'unchanged'}`, 303);
  });
});
