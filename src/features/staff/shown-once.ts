import type { FastifyReply } from 'fastify';
import type { TenantRequest } from '../../platform/http/scopes.js';
import { clearCookie, readCookie, setCookie, type CookieSpec } from '../../platform/http/sessions.js';

/**
 * A link token that travels to the staff page after a redirect in an encrypted, path-scoped cookie
 * that the page clears: the link is shown once, never sits in a URL, and a reload cannot send it
 * twice. Invitations and admin-sent reset links (without a mail server) both use it.
 */
export function shownOnceToken(name: string) {
  const spec = (request: TenantRequest): CookieSpec => {
    const { config } = request.server.kona.ctx;
    return { name: config.secureCookies ? `__Secure-${name}` : name, path: `${request.basePath}/hub/staff`, secure: config.secureCookies };
  };
  return {
    /** Hands a just-made token to the next view of the staff page. */
    keep(request: TenantRequest, reply: FastifyReply, token: string): void {
      setCookie(reply, spec(request), request.server.kona.ctx.secrets.keyRing.encrypt(token));
    },
    /** Takes the kept token (clearing it); undefined when none or unreadable. */
    take(request: TenantRequest, reply: FastifyReply): string | undefined {
      const cookie = spec(request);
      const sealed = readCookie(request, cookie);
      if (!sealed) return undefined;
      clearCookie(reply, cookie);
      try {
        return request.server.kona.ctx.secrets.keyRing.decrypt(sealed);
      } catch {
        return undefined;
      }
    },
  };
}
