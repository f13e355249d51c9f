import { h } from 'preact';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { setCookie, tenantCookie } from '../../platform/http/sessions.js';
import { emptyForm } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { acceptInvitationAndSignIn, findOpenInvitation } from './invitations.service.js';
import { acceptInvitationSchema, inviteTokenSchema } from './staff.schema.js';
import { AcceptInvitationPage } from './invitations.views.js';
import { tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';

type TokenRequest = TenantRequest<{ Params: { token: string } }>;

const deadLink = 'This invitation link has expired, was already used, or was withdrawn. Ask an admin of the rescue for a new one.';

/** The open invitation behind the link, or a 404 that says what to do. */
async function openInvitationOf(request: TokenRequest) {
  const token = inviteTokenSchema.safeParse(request.params.token);
  const invitation = token.success ? await findOpenInvitation(tenantDeps(request), token.data) : undefined;
  if (!invitation) throw new KonaError('KONA_ERR_NOT_FOUND', deadLink);
  return { token: request.params.token, invitation };
}

/** Accepting an invitation link: creates the account with the invited role and signs the person in. */
export const invitationRoutes = inTenantScope(async (app) => {
  const { ctx, page } = app.kona;

  app.get<{ Params: { token: string } }>('/hub/invite/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const { token, invitation } = await openInvitationOf(request);
    const action = `${request.basePath}/hub/invite/${token}`;
    return reply.type('text/html; charset=utf-8').send(renderPage(h(AcceptInvitationPage, { ctx: page(request), action, invitation, form: emptyForm })));
  });

  app.post<{ Params: { token: string } }>('/hub/invite/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const { token, invitation } = await openInvitationOf(request);
    const action = `${request.basePath}/hub/invite/${token}`;
    const show = (status: number, form = { values: formValues(request.body), errors: {} }, message?: string) =>
      reply.code(status).type('text/html; charset=utf-8').send(renderPage(h(AcceptInvitationPage, { ctx: page(request), action, invitation, form, message })));
    // Only name and password are read from the body: role, email and tenant come from the invitation and the URL.
    const parsed = parseForm(acceptInvitationSchema, request.body);
    if (!parsed.ok) return show(400, parsed.state);
    const previous = request.actor?.kind === 'staff' ? request.actor.sessionHash : undefined;
    try {
      const result = await acceptInvitationAndSignIn(tenantDeps(request), token, { name: parsed.data.name, password: parsed.data.password }, previous);
      setCookie(reply, tenantCookie(ctx.config, request.basePath), result.token);
    } catch (err) {
      if (err instanceof KonaError && (err.code === 'KONA_ERR_CONFLICT' || err.code === 'KONA_ERR_VALIDATION')) {
        return show(err.status, { values: formValues(request.body), errors: err.options.fields ?? {} }, err.message);
      }
      throw err;
    }
    return reply.redirect(`${request.basePath}/hub`, 303);
  });
});
