/**
 * Checks the Authorization header Alertmanager's `http_config` sends: `authorization` (type Bearer
 * by default) or the older `bearer_token` give `Bearer <token>`; `basic_auth` gives
 * `Basic base64(username:password)`. Secrets are compared through sha256 digests with
 * timingSafeEqual, so neither content nor length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The credentials the triage service accepts; none configured means every request is let in. */
export interface TriageAuth {
  bearer?: string;
  basic?: { username: string; password: string };
}

function sameSecret(given: string, wanted: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(wanted).digest();
  return timingSafeEqual(a, b);
}

/** Whether any credential is configured. */
export function authRequired(auth: TriageAuth): boolean {
  return auth.bearer !== undefined || auth.basic !== undefined;
}

/** Whether the Authorization header carries one of the configured credentials. */
export function authorized(auth: TriageAuth, header: string | undefined): boolean {
  if (!authRequired(auth)) return true;
  if (!header) return false;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer' && auth.bearer !== undefined) return sameSecret(value, auth.bearer);
  if (scheme === 'basic' && auth.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // Both halves are always compared, so a wrong username costs the same as a wrong password.
    const user = sameSecret(decoded.slice(0, colon), auth.basic.username);
    const pass = sameSecret(decoded.slice(colon + 1), auth.basic.password);
    return user && pass;
  }
  return false;
}

/** The WWW-Authenticate challenges for a 401 (one per configured scheme). */
export function challenges(auth: TriageAuth): string[] {
  const out: string[] = [];
  if (auth.basic) out.push('Basic realm="kona-triage", charset="UTF-8"');
  if (auth.bearer !== undefined) out.push('Bearer realm="kona-triage"');
  return out;
}

/** Whether a listen address reaches only this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Why the service must not start with these credentials on this address, or undefined when it may:
 * without a token or basic auth anyone who reaches the port could feed it alerts (and, in act mode,
 * make it act), so that is allowed only when asked for explicitly and on loopback.
 */
export function startupRefusal(auth: TriageAuth, host: string, insecureNoAuth: boolean): string | undefined {
  if (authRequired(auth)) return undefined;
  if (!insecureNoAuth) {
    return 'kona triage needs credentials: set KONA_TRIAGE_TOKEN or KONA_TRIAGE_BASIC_AUTH (user:password), or pass --insecure-no-auth to listen without them on loopback only.';
  }
  if (!isLoopbackHost(host)) {
    return `kona triage --insecure-no-auth listens on loopback only (127.0.0.1, ::1), not on ${host}: set KONA_TRIAGE_TOKEN or KONA_TRIAGE_BASIC_AUTH to listen there.`;
  }
  return undefined;
}
