/**
 * Alertmanager's alert fingerprint, recomputed from the labels: prometheus/common's
 * `labelSetToFingerprint` (FNV-1a 64 over the label names in byte order, each name and value
 * followed by the 0xff separator byte), printed as Alertmanager prints it (`%016x`).
 */

// FNV-1a 64 (prometheus/common model/fnv.go: offset64 0xcbf29ce484222325, prime64 0x100000001b3) in
// four 16-bit limbs, lowest first: BigInt arithmetic per byte made this a visible share of a delivery's
// CPU in bench:triage's profile, and plain numbers keep every intermediate below 2^31.
const offsetBasis = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
const separator = 0xff;
const utf8 = new TextEncoder();

/** h = (h XOR byte) * prime64 mod 2^64 for each byte, in place; prime64 = 2^40 + 0x1b3. */
function addBytes(h: number[], bytes: Uint8Array): void {
  let [h0, h1, h2, h3] = h as [number, number, number, number];
  for (const b of bytes) {
    h0 ^= b;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
}

/** Compares two byte strings as Go compares strings (byte by byte), not as JS compares UTF-16. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The fingerprint Alertmanager computes for an alert with these labels (16 lowercase hex digits). */
export function alertFingerprint(labels: Record<string, string>): string {
  const names = Object.keys(labels).map((name) => ({ name, bytes: utf8.encode(name) }));
  names.sort((a, b) => compareBytes(a.bytes, b.bytes));
  const h = [...offsetBasis];
  const sep = Uint8Array.of(separator);
  for (const { name, bytes } of names) {
    addBytes(h, bytes);
    addBytes(h, sep);
    addBytes(h, utf8.encode(labels[name]!));
    addBytes(h, sep);
  }
  return h.map((limb) => limb.toString(16).padStart(4, '0')).reverse().join('');
}

/**
 * The alert keyed by triage's own fingerprint: the sender's is kept as `sentFingerprint` only when it
 * disagrees. A sender-chosen fingerprint must never decide identity, or a forged one would make the
 * same alert look new and page twice. Returns the same object when it already agrees.
 */
export function withOwnFingerprint<A extends { labels: Record<string, string>; fingerprint: string; sentFingerprint?: string }>(alert: A): A {
  const own = alertFingerprint(alert.labels);
  if (own === alert.fingerprint) return alert;
  return { ...alert, fingerprint: own, sentFingerprint: alert.sentFingerprint ?? alert.fingerprint };
}
