import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { recordAudit } from '../../platform/audit/audit.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { can } from '../../platform/http/permissions.js';
import { serveDocument } from '../../platform/images/index.js';
import { applicationParties } from '../adoptions/adoptions.public.js';
import { contractDepsOf, contractStoreOf, sendPage, signingLink } from './contracts.http.js';
import { applicationParamsSchema, templateFormSchema } from './contracts.schema.js';
import { contractForStaff, contractTemplate, prepareContract, saveContractTemplate } from './contracts.service.js';
import { StaffContractPage, TemplatePage } from './contracts.views.js';
import { signedContractsRoute } from './contracts.dashboard.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { staffActor } from '../../platform/http/replies.js';

const configure = { config: { permission: 'adoptions.configure' as const } };
const view = { config: { permission: 'applications.view' as const } };
const manage = { config: { permission: 'applications.manage' as const } };

const notices: Record<string, string> = {
  saved: 'The contract template was saved. Contracts prepared from now on use it.',
  prepared: 'The contract was prepared and the signing link is on its way to the adopter.',
};


function applicationIdOf(request: StaffRequest): string {
  const parsed = applicationParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That application');
  return parsed.data.id;
}

/** Renders an application's contract page (with a notice, or the refusal of a prepare). */
async function showContract(request: StaffRequest, reply: FastifyReply, status: number, extra: { done?: string; message?: string } = {}) {
  const id = applicationIdOf(request);
  const deps = contractDepsOf(request);
  const parties = await applicationParties(deps.db, deps.ring, id);
  if (!parties) throw notFound('That application');
  const actor = request.actor;
  return sendPage(reply, status, h(StaffContractPage, {
    ctx: request.server.kona.page(request, 'hub'), applicationId: id, dogName: parties.dog.name, contract: await contractForStaff(deps, id),
    canPrepare: actor?.kind === 'staff' && can(actor.role, 'applications.manage') && parties.status === 'approved',
    canEditTemplate: actor?.kind === 'staff' && can(actor.role, 'adoptions.configure'),
    notice: extra.done ? notices[extra.done] : undefined, message: extra.message,
  }));
}

/** The contract template (admins) and each approved application's contract (staff) in the hub. */
export const contractsRoutes = inTenantScope(async (app) => {
  signedContractsRoute(app);
  app.get<{ Querystring: { done?: string } }>('/hub/adoptions/contract-template', configure, async (request, reply) => {
    const { body, isDefault } = await contractTemplate(request.tenant.db.kysely);
    const notice = request.query.done ? notices[request.query.done] : undefined;
    return sendPage(reply, 200, h(TemplatePage, { ctx: app.kona.page(request, 'hub'), form: { values: { body }, errors: {} }, isDefault, notice }));
  });

  app.post('/hub/adoptions/contract-template', configure, async (request, reply) => {
    const parsed = parseForm(templateFormSchema, request.body);
    const db = request.tenant.db.kysely;
    const isDefault = (await contractTemplate(db)).isDefault;
    if (!parsed.ok) return sendPage(reply, 400, h(TemplatePage, { ctx: app.kona.page(request, 'hub'), form: parsed.state, isDefault }));
    try {
      await saveContractTemplate(db, parsed.data.body, staffActor(request));
    } catch (err) {
      if (!(err instanceof KonaError) || err.code !== 'KONA_ERR_VALIDATION') throw err;
      const form = { values: { body: parsed.data.body }, errors: err.options.fields ?? {} };
      return sendPage(reply, 400, h(TemplatePage, { ctx: app.kona.page(request, 'hub'), form, isDefault, message: err.message }));
    }
    return reply.redirect(`${request.basePath}/hub/adoptions/contract-template?done=saved`, 303);
  });

  app.get<{ Querystring: { done?: string } }>('/hub/applications/:id/contract', view, (request, reply) => showContract(request, reply, 200, { done: request.query.done }));

  app.post('/hub/applications/:id/contract', manage, async (request, reply) => {
    const id = applicationIdOf(request);
    try {
      await prepareContract(contractDepsOf(request), id, staffActor(request), (token) => signingLink(request, token));
    } catch (err) {
      if (!(err instanceof KonaError) || err.code !== 'KONA_ERR_CONFLICT') throw err;
      return showContract(request, reply, err.status, { message: err.message });
    }
    return reply.redirect(`${request.basePath}/hub/applications/${id}/contract?done=prepared`, 303);
  });

  // Signed contracts hold the adopter's details: staff only, a download, never cached.
  app.get('/hub/applications/:id/contract.pdf', view, async (request, reply) => {
    const id = applicationIdOf(request);
    const contract = await contractForStaff(contractDepsOf(request), id);
    if (!contract?.pdfSha256) throw notFound('A signed contract for this application');
    await recordAudit(request.tenant.db.kysely, { actor: staffActor(request), action: 'contract.downloaded', target: { type: 'adoption_contract', id: contract.id } });
    return serveDocument(reply, { store: contractStoreOf(request), key: contract.pdfSha256, contentType: 'application/pdf', filename: `adoption-contract-${id.slice(0, 8)}.pdf` });
  });
});
