import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { templateLabel, type TemplateStatus } from './templates.render.js';
import { templateFormSchema, templateParamsSchema } from './templates.schema.js';
import { getTemplate, listTemplates, previewTemplate, saveTemplate } from './templates.service.js';
import { TemplateEditPage, TemplatesPage } from './templates.views.js';
import { sendPage } from '../../platform/http/replies.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';

function statusOf(request: TenantRequest): TemplateStatus {
  const parsed = templateParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That email template');
  return parsed.data.status;
}

const rescueNameOf = (request: TenantRequest) => request.rescueName ?? request.tenant.name;

/** The rescue's email templates for applicants (admins): list, edit with a preview, save. */
export const adoptionTemplatesRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;
  const configure = { config: { permission: 'adoptions.configure' as const } };

  app.get<{ Querystring: { saved?: string; unchanged?: string } }>('/hub/adoptions/templates', configure, async (request, reply) => {
    const templates = await listTemplates(request.tenant.db.kysely);
    const which = templates.find((t) => t.status === (request.query.saved ?? request.query.unchanged));
    const notice = which && (request.query.saved ? `The “${templateLabel(which.status)}” email was saved.` : `Nothing had changed in the “${templateLabel(which.status)}” email, so nothing was saved.`);
    return sendPage(reply, 200, h(TemplatesPage, { ctx: page(request, 'hub'), templates, notice }));
  });

  app.get('/hub/adoptions/templates/:status', configure, async (request, reply) => {
    const status = statusOf(request);
    const db = request.tenant.db.kysely;
    const t = await getTemplate(db, status);
    const form = { values: { subject: t.subject, body: t.body, enabled: t.enabled || !t.stored ? 'yes' : '' }, errors: {} };
    const preview = t.stored ? await previewTemplate(db, t, rescueNameOf(request)) : undefined;
    return sendPage(reply, 200, h(TemplateEditPage, { ctx: page(request, 'hub'), status, form, preview }));
  });

  app.post('/hub/adoptions/templates/:status', configure, async (request, reply) => {
    const status = statusOf(request);
    const db = request.tenant.db.kysely;
    const parsed = parseForm(templateFormSchema, request.body);
    if (!parsed.ok) return sendPage(reply, 400, h(TemplateEditPage, { ctx: page(request, 'hub'), status, form: parsed.state, message: 'The email was not saved: see the fields below.' }));
    if (parsed.data.intent === 'preview') {
      const form = { values: { subject: parsed.data.subject, body: parsed.data.body, enabled: parsed.data.enabled ? 'yes' : '' }, errors: {} };
      const preview = await previewTemplate(db, parsed.data, rescueNameOf(request));
      return sendPage(reply, 200, h(TemplateEditPage, { ctx: page(request, 'hub'), status, form, preview }));
    }
    const { changed } = await saveTemplate(db, status, parsed.data, { type: 'staff', id: request.actor.id });
    return reply.redirect(`${request.basePath}/hub/adoptions/templates?${changed ? 'saved' : 'unchanged'}=${status}`, 303);
  });
});
