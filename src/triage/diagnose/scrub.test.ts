import { describe, expect, it } from 'vitest';
import { knownNames, scrubCases } from './scrub-corpus.testing.js';
import { Scrubber, scrubMap, scrubText } from './scrub.js';

describe('scrubber on realistic log lines', () => {
  const scrubber = new Scrubber({ knownNames });

  it.each(scrubCases.map((c, i) => [`${i + 1} ${c.source}`, c] as const))('%s', (_name, c) => {
    const { text } = scrubber.scrub(c.line);
    for (const value of c.gone) expect(text, `"${value}" survived`).not.toContain(value);
    for (const value of c.kept) expect(text, `"${value}" was lost`).toContain(value);
  });

  it('leaves no sensitive value of the whole fixture in the scrubbed whole', () => {
    const all = scrubber.scrub(scrubCases.map((c) => c.line).join('\n')).text;
    for (const value of scrubCases.flatMap((c) => c.gone)) expect(all).not.toContain(value);
    for (const value of scrubCases.flatMap((c) => c.kept)) expect(all).toContain(value);
    // The PEM block (three lines) became one placeholder, nothing around it went with it.
    expect(all.match(/\[private-key\]/g)).toHaveLength(1);
    expect(all).toContain('tls.key: [private-key] mounted from secret kona-tls');
  });

  it('counts what it replaced, by kind', () => {
    const { removed } = scrubber.scrub('mail jane@example.org or bob@example.org, call +1 415 555 0100, Biscuit, token=abc123xyz, 8.8.8.8');
    expect(removed).toEqual({ email: 2, phone: 1, name: 1, secret: 1, ip: 1 });
  });

  it('uses the documented placeholders', () => {
    expect(scrubText('to jane@example.org', {})).toBe('to [email]');
    expect(scrubText('call +44 7700 900123 now')).toBe('call [phone] now');
    expect(scrubText('postgres://kona:pw@db:5432/kona')).toBe('postgres://[redacted]@db:5432/kona');
    expect(scrubText('Authorization: Bearer abcdefgh12345678')).toBe('Authorization: [secret]');
    expect(scrubText('password=hunter2 rest')).toBe('password=[secret] rest');
    expect(scrubText('Ozzy bit Jane', { knownNames: ['ozzy', 'jane'] })).toBe('[name] bit [name]');
  });

  it('replaces names as whole words only, in any case', () => {
    const s = new Scrubber({ knownNames: ['Max', 'Kim'] });
    expect(s.scrub('MAX and max and Max, maximum, kimchi, Kim.').text).toBe('[name] and [name] and [name], maximum, kimchi, [name].');
  });

  it('ignores one-letter names and names with regex characters are literal', () => {
    const s = new Scrubber({ knownNames: ['a', 'J.R. (Bob)'] });
    // "J.R." stays literal (JXR is not it); the part "Bob" of the full name goes on its own too.
    expect(s.scrub('a cat and J.R. (Bob) and JXR (Bob)').text).toBe('a cat and [name] and JXR ([name])');
  });

  it('keeps cluster-internal IPs and removes public ones; keepPrivateIps: false removes all', () => {
    const line = 'from 10.42.0.5 192.168.1.9 172.20.0.3 127.0.0.1 to 203.0.113.9 and 172.32.0.1 fe80::1:2 2001:db8::1';
    expect(scrubText(line)).toBe('from 10.42.0.5 192.168.1.9 172.20.0.3 127.0.0.1 to [ip] and [ip] fe80::1:2 [ip]');
    expect(scrubText(line, { keepPrivateIps: false })).toBe('from [ip] [ip] [ip] [ip] to [ip] and [ip] [ip] [ip]');
  });

  it('does not take times, versions, durations or ports for IPs or phone numbers', () => {
    const line = 'at 10:00:00.123 v1.28.3+k3s1 took 0.123 s, port 5432, pid 4123, 2026-11-25, +0000, exit 137, 1.2.3';
    expect(scrubText(line)).toBe(line);
  });

  it('scrubs map values and keeps label names', () => {
    expect(scrubMap({ alertname: 'KonaMailFailing', owner_email: 'a@b.example', pod: 'web-1' })).toEqual({
      alertname: 'KonaMailFailing', owner_email: '[email]', pod: 'web-1',
    });
  });

  it('removes an unterminated private key block and the tail of one whose start was cut off', () => {
    expect(scrubText('a\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nmore')).toBe('a\n[private-key]');
    expect(scrubText('log starts\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq1w2e3r4t5y6u7i8o9p0AbCdEfGh==\n-----END PRIVATE KEY-----\nnext')).toBe('log starts\n[private-key]\nnext');
  });

  it('takes long random base64 for a secret wherever it stands, but not paths, digests or ids', () => {
    const random = 'c2VjcmV0LXZhbHVlLWZvci1rb25hLXRlc3QxMjM0NTY3ODk';
    expect(scrubText(`session restored from ${random} ok`)).toBe('session restored from [secret] ok');
    const keep = 'mounted /var/lib/rancher/k3s/server/db/snapshots image sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 uid 3f2a9c1e-8b7d-4e6f-a5c4-1b2d3e4f5a6b /apis/apps/v1/namespaces/kona/deployments/web';
    expect(scrubText(keep)).toBe(keep);
  });

  it('removes an IBAN that a space and more digits follow (a metric label holding an IBAN and a card number)', () => {
    expect(scrubText('instance="FR1420041010050500013M02606 4111111111111111"')).toBe('instance="[iban] [card]"');
    expect(scrubText('DE89 3704 0044 0532 0130 00 1234')).toBe('[iban] 1234');
    expect(scrubText('order GB29NWBK60161331926818 shipped')).toBe('order GB29NWBK60161331926818 shipped');
  });

  it('stays linear on long runs without separators (no catastrophic backtracking)', () => {
    const blob = 'a'.repeat(200_000);
    const dotted = 'x.'.repeat(100_000);
    const lines = `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo'.repeat(2)}\n`.repeat(3000);
    const out = scrubText(`${blob} ${dotted} ${lines}${'x.'.repeat(50_000)}://a ${'k_'.repeat(50_000)}token=1 end`);
    expect(out.endsWith('=[secret] end')).toBe(true);
    expect(out.startsWith(blob)).toBe(true);
  });

  it('decodes URL-encoded runs before scrubbing, and leaves a harmless encoded link as written', () => {
    const link = 'https://runbooks.example.org/kona%20web/KubePodCrashLooping?ns=kona%2Fweb&q=pod%3Dweb-1+restarts';
    expect(scrubText(`see ${link} now`)).toBe(`see ${link} now`);
    expect(scrubText('GET /cb?tel=%2B49%20151%2087654321 200')).toBe('GET /cb?tel=[phone] 200');
    expect(new Scrubber().scrub('q=the%2520password%2520is%2520hunter7').removed).toEqual({ secret: 1 });
    // A malformed escape stays as written and does not hide what follows.
    expect(scrubText('x=%E0%A4%A token=abc123def')).toBe('x=%E0%A4%A token=[secret]');
  });
});
