import { describe, expect, it } from 'vitest';
import { canaries, canaryNames } from './canary-corpus.testing.js';
import { ibanValid, luhnValid, Scrubber } from './scrub.js';
import { scrubCases, knownNames } from './scrub-corpus.testing.js';

const scrubber = new Scrubber({ knownNames: canaryNames });

describe('scrubber on the canary corpus', () => {
  it('has at least 100 canaries of every kind the issue names', () => {
    expect(canaries.length).toBeGreaterThanOrEqual(100);
    expect(new Set(canaries.map((c) => c.kind))).toEqual(new Set(['name', 'email', 'phone', 'secret', 'private-key', 'iban', 'card', 'address', 'ip']));
  });

  it.each(canaries.map((c) => [c.kind, c] as const))('removes a %s canary in prose, a log field and JSON', (_kind, canary) => {
    const forms = [`Pod kona/web-1 failed: ${canary.text} (retrying)`, `Reported: ${canary.text}.`, `container=${canary.text}`, `level=error msg="${canary.text}" pod=web-1`, JSON.stringify({ msg: canary.text })];
    for (const form of forms) {
      const out = scrubber.scrub(form).text;
      for (const needle of canary.needles) expect(out.toLowerCase(), form).not.toContain(needle.toLowerCase());
    }
  });

  it('still keeps the infrastructure facts of the log corpus', () => {
    const s = new Scrubber({ knownNames });
    for (const c of scrubCases) for (const kept of c.kept) expect(s.scrub(c.line).text, c.line).toContain(kept);
  });

  it('keeps what only looks like the new kinds: epoch times, image digests, pod names, versions', () => {
    const line = 'ts=1765113600 at=1765113600123 image=registry/kona@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 pod=web-7d9f8c6b5-x2k4p v1.31.2 port 5432 took 12 ms';
    expect(scrubber.scrub(line).text).toBe(line);
  });

  it('checks IBANs and card numbers before removing them', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1112')).toBe(false);
    expect(scrubber.scrub('order 4111111111111112 shipped').text).toBe('order 4111111111111112 shipped');
  });
});
