import { describe, expect, it } from 'vitest';
import { authorized, isLoopbackHost, startupRefusal } from './auth.js';

describe('startupRefusal', () => {
  it('lets a service with a token or basic auth start on any address', () => {
    expect(startupRefusal({ bearer: 'a-token-of-16-chars' }, '0.0.0.0', false)).toBeUndefined();
    expect(startupRefusal({ basic: { username: 'am', password: 'long-password' } }, '::', false)).toBeUndefined();
  });

  it('refuses to start without credentials, naming both settings and the flag', () => {
    const why = startupRefusal({}, '127.0.0.1', false);
    expect(why).toContain('KONA_TRIAGE_TOKEN');
    expect(why).toContain('KONA_TRIAGE_BASIC_AUTH');
    expect(why).toContain('--insecure-no-auth');
    expect(why).not.toContain('\n');
  });

  it('refuses --insecure-no-auth on an address other machines reach', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'triage.example', '128.0.0.1']) {
      expect(startupRefusal({}, host, true)).toMatch(new RegExp(`loopback only .*not on ${host.replace(/\./g, '\\.')}`));
    }
  });

  it('allows --insecure-no-auth on loopback, where every request is then let in', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(startupRefusal({}, host, true)).toBeUndefined();
    expect(authorized({}, undefined)).toBe(true);
  });
});

describe('isLoopbackHost', () => {
  it('knows IPv4, IPv6 and mapped loopback from the rest', () => {
    expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopbackHost('')).toBe(false);
  });
});
