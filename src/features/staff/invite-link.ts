import type { FastifyReply } from 'fastify';
import type { Config } from '../../platform/config/config.js';
import { clearCookie, readCookie, setCookie, type CookieSpec } from '../../platform/http/sessions.js';
import { findOpenInvitation } from './invitations.service.js';
import type { CreatedInvitation } from './staff.views.js';
import { tenantDeps } from '../../platform/http/replies.js';
import type { TenantRequest } from '../../platform/http/scopes.js';

// The new link travels to the page after the redirect in an encrypted, path-scoped cookie that the
// page clears: the link is shown once, never sits in a URL, and a reload cannot invite twice.
function inviteCookie(config: Config, basePath: string): CookieSpec {
  return { name: config.secureCookies ? '__Secure-kona_invite' : 'kona_invite', path: `${basePath}/hub/staff`, secure: config.secureCookies };
}

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
  const { config, secrets } = request.server.kona.ctx;
  setCookie(reply, inviteCookie(config, request.basePath), secrets.keyRing.encrypt(token));
}

/** Takes the kept invitation (clearing it) and describes it for display; undefined when none or no longer open. */
export async function takeInvitationForDisplay(request: TenantRequest, reply: FastifyReply): Promise<CreatedInvitation | undefined> {
  const { config, secrets } = request.server.kona.ctx;
  const spec = inviteCookie(config, request.basePath);
  const sealed = readCookie(request, spec);
  if (!sealed) return undefined;
  clearCookie(reply, spec);
  let token: string;
  try {
    token = secrets.keyRing.decrypt(sealed);
  } catch {
    return undefined;
  }
  const invitation = await findOpenInvitation(tenantDeps(request), token);
  if (!invitation) return undefined;
  return { link: inviteLink(request, token), email: invitation.email, role: invitation.role, days: config.settings.KONA_INVITE_DAYS };
}
