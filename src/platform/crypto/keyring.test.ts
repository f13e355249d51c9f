import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing, parseKeyList } from './keyring.js';

const k = (id: string) => ({ id, key: randomBytes(32) });

describe('KeyRing', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const ring = new KeyRing([k('a')], randomBytes(32));
    const one = ring.encrypt('jo@example.org');
    expect(one).not.toContain('jo@example.org');
    expect(ring.encrypt('jo@example.org')).not.toBe(one);
    expect(ring.decrypt(one)).toBe('jo@example.org');
  });

  it('reads old ciphertexts after a new key is added, and writes with the newest', () => {
    const a = k('a');
    const old = new KeyRing([a], randomBytes(32)).encrypt('Ms Foster');
    const ring = new KeyRing([a, k('b')], randomBytes(32));
    expect(ring.decrypt(old)).toBe('Ms Foster');
    expect(ring.encrypt('x').split(':')[1]).toBe('b');
  });

  it('rejects tampered data and unknown keys', () => {
    const ring = new KeyRing([k('a')], randomBytes(32));
    const c = ring.encrypt('secret');
    const parts = c.split(':');
    const data = Buffer.from(parts[3]!, 'base64');
    data[0] = data[0]! ^ 1;
    expect(() => ring.decrypt([parts[0], parts[1], parts[2], data.toString('base64')].join(':'))).toThrow();
    expect(() => new KeyRing([k('z')], randomBytes(32)).decrypt(c)).toThrow(/key "a"/);
  });

  it('gives stable blind indexes that depend on the key', () => {
    const key = randomBytes(32);
    expect(new KeyRing([k('a')], key).blindIndex('x')).toBe(new KeyRing([k('b')], key).blindIndex('x'));
    expect(new KeyRing([k('a')], randomBytes(32)).blindIndex('x')).not.toBe(new KeyRing([k('a')], key).blindIndex('x'));
  });

  it('explains bad key lists', () => {
    expect(() => parseKeyList('nocolon')).toThrow(/id:base64key/);
    expect(() => new KeyRing(parseKeyList(`a:${randomBytes(16).toString('base64')}`), randomBytes(32))).toThrow(/32 bytes/);
  });
});
