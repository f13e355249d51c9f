import type { FastifyReply } from 'fastify';
import { findOpenInvitation } from './invitations.service.js';
import type { CreatedInvitation } from './staff.views.js';
import { tenantDeps } from '../../platform/http/replies.js';
import type { TenantRequest } from '../../platform/http/scopes.js';
import { shownOnceToken } from './shown-once.js';

const keptInvitation = shownOnceToken('kona_invite');

/** The origin this tenant was reached at, for links sent to people. */
export function tenantOrigin(request: TenantRequest): string {
  const url = request.server.kona.ctx.config.publicUrl;
  // basePath '' means the request came in on the tenant's own hostname, which the host map already matched.
  return request.basePath === '' ? `${url.protocol}//${request.headers.host}` : url.origin;
}

/** The invitation link for a token, on the address this tenant was reached at. */
export function inviteLink(request: TenantRequest, token: string): string {
  return `${tenantOrigin(request)}${request.basePath}/hub/invite/${token}`;
}

/** Hands a just-created invitation's token to the next page view of the staff page. */
export function keepInvitationForDisplay(request: TenantRequest, reply: FastifyReply, token: string): void {
  keptInvitation.keep(request, reply, token);
}

/** Takes the kept invitation (clearing it) and describes it for display; undefined when none or no longer open. */
export async function takeInvitationForDisplay(request: TenantRequest, reply: FastifyReply): Promise<CreatedInvitation | undefined> {
  const token = keptInvitation.take(request, reply);
  if (!token) return undefined;
  const invitation = await findOpenInvitation(tenantDeps(request), token);
  if (!invitation) return undefined;
  return { link: inviteLink(request, token), email: invitation.email, role: invitation.role, days: request.server.kona.ctx.config.settings.KONA_INVITE_DAYS };
}
