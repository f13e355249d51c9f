import type { FastifyReply } from 'fastify';
import type { Config } from '../../platform/config/config.js';
import { systemClock } from '../../platform/clock/clock.js';
import { tenantDeps } from '../../platform/http/replies.js';
import type { TenantRequest } from '../../platform/http/scopes.js';
import { clearCookie, readCookie, setCookie, type CookieSpec } from '../../platform/http/sessions.js';
import type { ResetDeps } from './password-reset.service.js';
import { findOpenReset } from './password-reset.service.js';
import { tenantOrigin } from './invite-link.js';

/** What the reset services need for this request's rescue. */
export function resetDeps(request: TenantRequest): ResetDeps {
  const { ctx } = request.server.kona;
  return {
    ...tenantDeps(request), jobs: ctx.jobs, clock: ctx.clock ?? systemClock,
    minutes: ctx.config.settings.KONA_PASSWORD_RESET_MINUTES, rescueName: request.rescueName ?? request.tenant.name,
  };
}

/** The reset link for a token, on the address this tenant was reached at. */
export function resetLink(request: TenantRequest, token: string): string {
  return `${tenantOrigin(request)}${request.basePath}/hub/reset-password/${token}`;
}

// Like an invitation's link, an admin-sent reset link for a rescue without a mail server travels
// to the next staff page view in an encrypted, path-scoped cookie that the page clears.
function resetCookie(config: Config, basePath: string): CookieSpec {
  return { name: config.secureCookies ? '__Secure-kona_reset' : 'kona_reset', path: `${basePath}/hub/staff`, secure: config.secureCookies };
}

/** Hands a just-sent reset link's token to the next view of the staff page. */
export function keepResetForDisplay(request: TenantRequest, reply: FastifyReply, token: string): void {
  const { config, secrets } = request.server.kona.ctx;
  setCookie(reply, resetCookie(config, request.basePath), secrets.keyRing.encrypt(token));
}

/** Takes the kept reset link (clearing it); undefined when none or no longer open. */
export async function takeResetForDisplay(request: TenantRequest, reply: FastifyReply): Promise<{ link: string; email: string; minutes: number } | undefined> {
  const { config, secrets } = request.server.kona.ctx;
  const spec = resetCookie(config, request.basePath);
  const sealed = readCookie(request, spec);
  if (!sealed) return undefined;
  clearCookie(reply, spec);
  let token: string;
  try {
    token = secrets.keyRing.decrypt(sealed);
  } catch {
    return undefined;
  }
  const open = await findOpenReset(resetDeps(request), token);
  return open && { link: resetLink(request, token), email: open.email, minutes: config.settings.KONA_PASSWORD_RESET_MINUTES };
}
