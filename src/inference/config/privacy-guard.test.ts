import { describe, expect, it } from 'vitest';
import { classifyHost, privacyRefusal } from './privacy-guard.js';

const backend = (baseUrl: string, onSite = false) => ({ name: 'gpu', baseUrl, onSite });

describe('classifyHost', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.45.6.7', 'loopback'],
    ['[::1]', 'loopback'],
    ['localhost', 'loopback'],
    ['localhost.', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.20', 'private'],
    ['[fd12:3456::1]', 'private'],
    ['[::ffff:a00:1]', 'private'],
    ['[fe80::1]', 'link-local'],
    ['169.254.10.10', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['[2001:db8::1]', 'public'],
    ['[::ffff:808:808]', 'public'],
    ['gpu.example.org', 'hostname'],
    ['vllm.kona.svc', 'hostname'],
  ])('%s is %s', (host, expected) => {
    expect(classifyHost(host)).toBe(expected);
  });
});

describe('privacyRefusal', () => {
  it('accepts loopback, private and link-local backends', () => {
    for (const url of ['http://127.0.0.1:8000', 'http://localhost:11434', 'http://[::1]:8000', 'http://10.0.0.5:8000', 'https://192.168.0.9', 'http://[fe80::1]:8000']) {
      expect(privacyRefusal(backend(url)), url).toBeUndefined();
    }
  });

  it('refuses a public address, naming the backend, the host and the way out', () => {
    const why = privacyRefusal({ name: 'cloud-gpu', baseUrl: 'https://203.0.113.7:8443/api', onSite: false });
    expect(why).toContain('"cloud-gpu"');
    expect(why).toContain('203.0.113.7 is a public address');
    expect(why).toContain('"onSite": true');
    expect(why).not.toContain('/api');
  });

  it('refuses host names and CGNAT addresses unless declared on site', () => {
    expect(privacyRefusal(backend('http://gpu.example.org:8000'))).toMatch(/host name/);
    expect(privacyRefusal(backend('http://100.100.1.2:8000'))).toMatch(/carrier-grade NAT/);
    expect(privacyRefusal(backend('http://0.0.0.0:8000'))).toMatch(/unspecified/);
  });

  it('accepts anything declared onSite: true', () => {
    expect(privacyRefusal(backend('http://gpu.example.org:8000', true))).toBeUndefined();
    expect(privacyRefusal(backend('http://8.8.8.8', true))).toBeUndefined();
  });
});
