import { BlockList, isIP } from 'node:net';
import type { BackendConfig } from '../types.js';

/**
 * The privacy guard: prompts hold applicants' and fosters' words, so the dispatcher only talks to
 * model servers on site. A backend passes when its host is a loopback or private address, or when
 * the operator declares it `onSite: true`. Decisions:
 * - 100.64.0.0/10 (carrier-grade NAT) is refused unless onSite: it is the ISP's address space, not
 *   the rescue's; overlay networks that reuse it (Tailscale) are on site only by the operator's word.
 * - Host names other than `localhost` are refused unless onSite, and are not resolved: a name can
 *   point anywhere and DNS can change after the check, so a lookup at load time would prove nothing.
 *   Cluster service names (vllm.kona.svc) therefore need onSite: true.
 * - Unspecified (0.0.0.0, ::), multicast and every public address are refused unless onSite.
 */

/** How the guard sees a backend's host. */
export type HostClass = 'loopback' | 'private' | 'link-local' | 'cgnat' | 'hostname' | 'unspecified' | 'public';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const privateRanges = new BlockList();
privateRanges.addSubnet('10.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('172.16.0.0', 12, 'ipv4');
privateRanges.addSubnet('192.168.0.0', 16, 'ipv4');
privateRanges.addSubnet('fc00::', 7, 'ipv6'); // unique local addresses

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');

const cgnat = new BlockList();
cgnat.addSubnet('100.64.0.0', 10, 'ipv4');

const unspecified = new BlockList();
unspecified.addAddress('0.0.0.0', 'ipv4');
unspecified.addAddress('::', 'ipv6');

/** Classifies a URL host (as `new URL().hostname` gives it, brackets allowed). */
export function classifyHost(hostname: string): HostClass {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost') return 'loopback';
  const family = isIP(host);
  if (family === 0) return 'hostname';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // BlockList matches IPv4-mapped IPv6 (::ffff:10.0.0.1) against the IPv4 ranges too.
  if (loopback.check(host, type)) return 'loopback';
  if (privateRanges.check(host, type)) return 'private';
  if (linkLocal.check(host, type)) return 'link-local';
  if (cgnat.check(host, type)) return 'cgnat';
  if (unspecified.check(host, type)) return 'unspecified';
  return 'public';
}

const refusalReasons: Partial<Record<HostClass, string>> = {
  hostname: 'is a host name, and a name can resolve anywhere, so it is not trusted as on site',
  cgnat: 'is in 100.64.0.0/10 (carrier-grade NAT), which belongs to an ISP rather than this site',
  unspecified: 'is an unspecified address (0.0.0.0 or ::), which names no particular machine',
  public: 'is a public address',
};

/** Why a backend must be refused, or undefined when the guard accepts it. */
export function privacyRefusal(backend: Pick<BackendConfig, 'name' | 'baseUrl' | 'onSite'>): string | undefined {
  if (backend.onSite) return undefined;
  let hostname: string;
  try {
    hostname = new URL(backend.baseUrl).hostname;
  } catch {
    return undefined; // the schema already reports a malformed URL
  }
  const reason = refusalReasons[classifyHost(hostname)];
  if (reason === undefined) return undefined;
  // The host is named (it identifies the machine and carries no secret); the rest of the URL is not echoed.
  return `backend "${backend.name}" refused by the privacy guard: its host ${hostname} ${reason}. ` +
    'Kona only sends prompts to on-site model servers (loopback or private addresses). ' +
    'If this server really is on site, add "onSite": true to its entry.';
}

/** Every refusal in a list of backends, each prefixed with the entry's path. */
export function privacyProblems(backends: ReadonlyArray<Pick<BackendConfig, 'name' | 'baseUrl' | 'onSite'> | undefined>): string[] {
  return backends.flatMap((b, i) => {
    const refusal = b === undefined ? undefined : privacyRefusal(b);
    return refusal === undefined ? [] : [`backends[${i}].baseUrl: ${refusal}`];
  });
}
