import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { keepInvitationForDisplay, takeInvitationForDisplay } from './invite-link.js';
import { createInvitation, listOpenInvitations, revokeInvitation } from './invitations.service.js';
import { changeRoleSchema, idParamsSchema, inviteSchema } from './staff.schema.js';
import { changeRole, disableStaff, enableStaff, listStaff } from './staff.service.js';
import { StaffPage, type CreatedInvitation } from './staff.views.js';
import { staffActor, tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';

const notices: Record<string, string> = {
  invited: 'The invitation was created.',
  role: 'The role was changed. It applies from their next page view.',
  disabled: 'The account was disabled and signed out everywhere.',
  enabled: 'The account was enabled; they can sign in again.',
  revoked: 'The invitation was withdrawn; its link no longer works.',
};

type IdRequest = StaffRequest<{ Params: { id: string } }>;

/** The id in the URL, or a 404 naming what was not found (a malformed id never reaches the database). */
function idOf(request: IdRequest, what: string): string {
  const parsed = idParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound(what);
  return parsed.data.id;
}

/** Staff management for a rescue's admins: members, roles, disabling, invitations. */
export const staffRoutes = inTenantScope(async (app) => {
  const { ctx, page } = app.kona;
  const inviteDays = ctx.config.settings.KONA_INVITE_DAYS;
  const permission = { config: { permission: 'staff.manage' as const } };

  async function show(request: StaffRequest, reply: FastifyReply, status: number, extra: { inviteForm?: FormState; message?: string; notice?: string; created?: CreatedInvitation } = {}) {
    const deps = tenantDeps(request);
    const [staff, invitations] = [await listStaff(deps), await listOpenInvitations(deps)];
    const props = { ...extra, ctx: page(request, 'hub'), staff, invitations, selfId: request.actor.id, inviteForm: extra.inviteForm ?? emptyForm };
    return reply.code(status).type('text/html; charset=utf-8').send(renderPage(h(StaffPage, props)));
  }

  // Refusals the admin can act on (last admin, duplicate email) re-show the page with the reason.
  async function attempt(request: StaffRequest, reply: FastifyReply, done: string, action: () => Promise<unknown>) {
    try {
      await action();
    } catch (err) {
      if (err instanceof KonaError && (err.code === 'KONA_ERR_CONFLICT' || err.code === 'KONA_ERR_VALIDATION')) return show(request, reply, err.status, { message: err.message });
      throw err;
    }
    return reply.redirect(`${request.basePath}/hub/staff?done=${done}`, 303);
  }

  app.get<{ Querystring: { done?: string } }>('/hub/staff', permission, async (request, reply) => {
    const created = await takeInvitationForDisplay(request, reply);
    const done = request.query.done;
    let notice = done ? notices[done] : undefined;
    if (done === 'invited' && !created) notice = 'The invitation was created. Its link was shown once; if it was lost, withdraw the invitation and invite them again.';
    return show(request, reply, 200, { notice, created });
  });

  app.post('/hub/staff/invite', permission, async (request, reply) => {
    const parsed = parseForm(inviteSchema, request.body);
    if (!parsed.ok) return show(request, reply, 400, { inviteForm: parsed.state });
    try {
      const { token } = await createInvitation(tenantDeps(request), parsed.data, staffActor(request), inviteDays);
      keepInvitationForDisplay(request, reply, token);
    } catch (err) {
      if (!(err instanceof KonaError) || (err.code !== 'KONA_ERR_CONFLICT' && err.code !== 'KONA_ERR_VALIDATION')) throw err;
      return show(request, reply, err.status, { inviteForm: { values: formValues(request.body), errors: err.options.fields ?? {} }, message: err.message });
    }
    return reply.redirect(`${request.basePath}/hub/staff?done=invited`, 303);
  });

  app.post<{ Params: { id: string } }>('/hub/staff/:id/role', permission, async (request, reply) => {
    const id = idOf(request, 'That staff member');
    const parsed = parseForm(changeRoleSchema, request.body);
    if (!parsed.ok) return show(request, reply, 400, { message: `The role ${parsed.state.errors.role ?? 'is not valid'}.` });
    return attempt(request, reply, 'role', () => changeRole(tenantDeps(request), id, parsed.data.role, staffActor(request)));
  });

  app.post<{ Params: { id: string } }>('/hub/staff/:id/disable', permission, async (request, reply) => {
    const id = idOf(request, 'That staff member');
    return attempt(request, reply, 'disabled', () => disableStaff(tenantDeps(request), id, staffActor(request)));
  });

  app.post<{ Params: { id: string } }>('/hub/staff/:id/enable', permission, async (request, reply) => {
    const id = idOf(request, 'That staff member');
    return attempt(request, reply, 'enabled', () => enableStaff(tenantDeps(request), id, staffActor(request)));
  });

  app.post<{ Params: { id: string } }>('/hub/staff/invitations/:id/revoke', permission, async (request, reply) => {
    const id = idOf(request, 'That invitation');
    return attempt(request, reply, 'revoked', () => revokeInvitation(tenantDeps(request), id, staffActor(request)));
  });
});
