import type { FastifyReply } from 'fastify';
import { mailSenderOf } from '../../platform/http/identity.js';
import { systemClock } from '../../platform/clock/clock.js';
import { tenantDeps } from '../../platform/http/replies.js';
import type { TenantRequest } from '../../platform/http/scopes.js';
import type { ResetDeps } from './password-reset.service.js';
import { findOpenReset } from './password-reset.service.js';
import { tenantOrigin } from './invite-link.js';
import { shownOnceToken } from './shown-once.js';

/** What the reset services need for this request's rescue. */
export function resetDeps(request: TenantRequest): ResetDeps {
  const { ctx } = request.server.kona;
  return {
    ...tenantDeps(request), jobs: ctx.jobs, clock: ctx.clock ?? systemClock,
    minutes: ctx.config.settings.KONA_PASSWORD_RESET_MINUTES, rescueName: request.rescueName ?? request.tenant.name,
    sender: mailSenderOf(request),
  };
}

/** The reset link for a token, on the address this tenant was reached at. */
export function resetLink(request: TenantRequest, token: string): string {
  return `${tenantOrigin(request)}${request.basePath}/hub/reset-password/${token}`;
}

// Like an invitation's link, an admin-sent reset link for a rescue without a mail server is shown once.
const keptReset = shownOnceToken('kona_reset');

/** Hands a just-sent reset link's token to the next view of the staff page. */
export function keepResetForDisplay(request: TenantRequest, reply: FastifyReply, token: string): void {
  keptReset.keep(request, reply, token);
}

/** Takes the kept reset link (clearing it); undefined when none or no longer open. */
export async function takeResetForDisplay(request: TenantRequest, reply: FastifyReply): Promise<{ link: string; email: string; minutes: number } | undefined> {
  const token = keptReset.take(request, reply);
  if (!token) return undefined;
  const open = await findOpenReset(resetDeps(request), token);
  return open && { link: resetLink(request, token), email: open.email, minutes: request.server.kona.ctx.config.settings.KONA_PASSWORD_RESET_MINUTES };
}
