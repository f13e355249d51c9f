import type { FastifyReply } from 'fastify';
import { mailSenderOf } from '../../platform/http/identity.js';
import { h } from 'preact';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { inviteLink, keepInvitationForDisplay, takeInvitationForDisplay } from './invite-link.js';
import { sendPasswordResetByAdmin } from './password-reset.service.js';
import { keepResetForDisplay, resetDeps, resetLink, takeResetForDisplay } from './reset-link.js';
import { createInvitation, listOpenInvitations, revokeInvitation } from './invitations.service.js';
import { changeRoleSchema, idParamsSchema, inviteSchema } from './staff.schema.js';
import { changeRole, disableStaff, enableStaff, findStaffByEmail, listStaff } from './staff.service.js';
import { AlreadyHasAccountPage, StaffPage, type CreatedInvitation, type SentReset } from './staff.views.js';
import { staffActor, tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';

const notices: Record<string, string> = {
  invited: 'The invitation was created and emailed to them.',
  reset: 'A password reset link was emailed to them.',
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

  async function show(request: StaffRequest, reply: FastifyReply, status: number, extra: { inviteForm?: FormState; message?: string; notice?: string; created?: CreatedInvitation; sentReset?: SentReset } = {}) {
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
    const sentReset = await takeResetForDisplay(request, reply);
    const done = request.query.done;
    let notice = done ? notices[done] : undefined;
    if (done === 'invited' && !created) notice = 'The invitation was created and emailed to them. Its link was shown once; if it was lost, withdraw the invitation and invite them again.';
    if (done === 'reset' && sentReset) notice = undefined;
    return show(request, reply, 200, { notice, created, sentReset });
  });

  app.post('/hub/staff/invite', permission, async (request, reply) => {
    const parsed = parseForm(inviteSchema, request.body);
    if (!parsed.ok) return show(request, reply, 400, { inviteForm: parsed.state });
    // Someone who already has an account needs a way back in, not a second account: offer the reset link.
    const existing = await findStaffByEmail(tenantDeps(request), parsed.data.email);
    if (existing) {
      const person = { id: existing.id, email: parsed.data.email, active: existing.status === 'active' };
      return reply.type('text/html; charset=utf-8').send(renderPage(h(AlreadyHasAccountPage, { ctx: page(request, 'hub'), person })));
    }
    try {
      const mail = { jobs: ctx.jobs, rescueName: request.rescueName ?? request.tenant.name, sender: mailSenderOf(request), linkFor: (token: string) => inviteLink(request, token) };
      const { token } = await createInvitation(tenantDeps(request), parsed.data, staffActor(request), inviteDays, mail);
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

  app.post<{ Params: { id: string } }>('/hub/staff/:id/password-reset', permission, async (request, reply) => {
    const id = idOf(request, 'That staff member');
    return attempt(request, reply, 'reset', async () => {
      const { token } = await sendPasswordResetByAdmin(resetDeps(request), id, staffActor(request), (t) => resetLink(request, t));
      // Without a mail server the email only reaches the outbox: show the link once, like an invitation's.
      if (!ctx.config.settings.KONA_SMTP_URL) keepResetForDisplay(request, reply, token);
    });
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
