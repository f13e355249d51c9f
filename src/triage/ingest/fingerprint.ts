/**
 * Alertmanager's alert fingerprint, recomputed from the labels: prometheus/common's
 * `labelSetToFingerprint` (FNV-1a 64 over the label names in byte order, each name and value
 * followed by the 0xff separator byte), printed as Alertmanager prints it (`%016x`).
 */

// FNV-1a 64 parameters (prometheus/common model/fnv.go: offset64, prime64).
const offsetBasis = 0xcbf29ce484222325n;
const prime = 0x100000001b3n;
const mask = 0xffffffffffffffffn;
const separator = 0xff;
const utf8 = new TextEncoder();

function addBytes(hash: bigint, bytes: Uint8Array): bigint {
  let h = hash;
  for (const b of bytes) h = ((h ^ BigInt(b)) * prime) & mask;
  return h;
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
  let h = offsetBasis;
  const sep = Uint8Array.of(separator);
  for (const { name, bytes } of names) {
    h = addBytes(h, bytes);
    h = addBytes(h, sep);
    h = addBytes(h, utf8.encode(labels[name]!));
    h = addBytes(h, sep);
  }
  return h.toString(16).padStart(16, '0');
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
