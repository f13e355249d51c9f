/**
 * The scrubber: what leaves Kona for a model endpoint passes through it first. It removes personal
 * data (emails, phone numbers, the names of people and dogs the caller knows, public client IPs)
 * and credentials (private keys, URL passwords, Authorization headers, bearer tokens, JWTs, cloud
 * and chat API keys, values of password/token/secret/key fields) and keeps what a diagnosis needs:
 * pod and node names, namespaces, error codes, timestamps, ports, cluster-internal IPs.
 *
 * It errs on the side of removing: a value after `key=` is replaced even when it was harmless, and
 * a long mixed-case base64 run with high entropy is taken for a secret wherever it stands, and so
 * is a run of 32+ hex digits (but image digests after `sha256:`). Secrets in prose ("the password
 * is hunter2", "api key: …") go too. IBANs (mod-97 checked), card numbers (Luhn checked), street
 * addresses (number + street word, or a German-style "…straße 12") and bare or spaced 10–11 digit
 * phone numbers are personal data. URL-encoded text (`%20`, `%2B`, twice encoded, `+` for a space)
 * is decoded before it is scrubbed, and kept as written when it holds nothing to remove.
 * Names are whole-word matches of what the caller supplies: a dog called "Kona" also blanks the
 * namespace `kona` (privacy wins over meaning). Pure functions, no I/O; every pattern is linear
 * in the input (bounded repeats), so megabytes of logs are safe to scrub.
 *
 * IP addresses: public addresses (client IPs in access logs) are personal data and become `[ip]`;
 * private, loopback and link-local ones (pod, service and node addresses) are infrastructure and
 * stay, unless `keepPrivateIps: false`.
 */

/** What a placeholder stands for. */
export type ScrubKind = 'private-key' | 'url-credentials' | 'secret' | 'email' | 'phone' | 'ip' | 'name' | 'iban' | 'card' | 'address';

/** Scrubber settings. */
export interface ScrubOptions {
  /** Names of people and dogs (and anything else) from Kona's data; replaced as whole words, any case. */
  knownNames?: readonly string[];
  /** Keep private, loopback and link-local IP addresses (default true). */
  keepPrivateIps?: boolean;
}

/** Scrubbed text and how many of each kind were replaced. */
export interface ScrubResult {
  text: string;
  removed: Partial<Record<ScrubKind, number>>;
}

type Replacer = (match: string, ...groups: string[]) => string;
interface Pattern {
  kind: ScrubKind;
  re: RegExp;
  replace: string | Replacer;
}

const keyEnd = /-----END [A-Z0-9 ]*PRIVATE KEY-----/g;
const isBase64Char = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9+/=]/.test(c);

/**
 * Removes the tail of a private key whose start was cut off (a log window that begins mid-key):
 * a lone END line and the base64 lines right before it. Walks backwards by hand, which stays
 * linear where a regex over many base64 lines would not.
 */
function removeKeyTails(text: string, count: (kind: ScrubKind) => void): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(keyEnd)) {
    let start = m.index;
    while (start > last && isBase64Char(text[start - 1])) start--;
    for (;;) {
      const sep = text[start - 1] === '\n' ? (text[start - 2] === '\r' ? 2 : 1) : text.slice(start - 2, start) === '\\n' ? 2 : 0;
      let lineStart = start - sep;
      while (lineStart > last && isBase64Char(text[lineStart - 1])) lineStart--;
      if (sep === 0 || start - sep - lineStart < 16) break;
      start = lineStart;
    }
    out += `${text.slice(last, start)}[private-key]`;
    last = m.index + m[0].length;
    count('private-key');
  }
  return last === 0 ? text : out + text.slice(last);
}

// Characters a bearer token, JWT or URL-safe base64 secret is made of.
const tokenChars = String.raw`[A-Za-z0-9\-._~+/]`;

// Field names whose value is a credential: password, passwd, pwd, secret, token, api_key, key,
// credential(s), cookie, session id, signature, auth (also as a suffix: PGPASSWORD, X-Api-Key).
const secretField = String.raw`[A-Za-z0-9_.\-]{0,64}(?:passw(?:or)?d|pass|pwd|secret|token|key|credentials?|cookie|session[_-]?id|signature|auth)`;

// Order matters: whole blocks and URL credentials before emails (user:pass@host looks like an
// email), the Authorization header before generic fields, secrets before phone numbers (digits
// inside a token are not a phone number).
const patterns: Pattern[] = [
  {
    kind: 'private-key',
    // An unterminated block (a cut log) takes everything after it.
    re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*$)/g,
    replace: '[private-key]',
  },
  { kind: 'url-credentials', re: /\b([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/?#@"'<>]{1,256}@/gi, replace: '$1[redacted]@' },
  {
    kind: 'secret',
    re: new RegExp(String.raw`(\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|digest|negotiate)\s+)?[^\s"',;]+`, 'gi'),
    replace: '$1[secret]',
  },
  { kind: 'secret', re: new RegExp(String.raw`\b(Bearer|Basic)\s+${tokenChars}{8,}=*`, 'g'), replace: '$1 [secret]' },
  { kind: 'secret', re: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, replace: '[secret]' },
  { kind: 'secret', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: '[secret]' },
  { kind: 'secret', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g, replace: '[secret]' },
  { kind: 'secret', re: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, replace: '[secret]' },
  { kind: 'secret', re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b|\bsk-[A-Za-z0-9_-]{20,}|\bAIza[0-9A-Za-z_-]{35}\b|\bglpat-[A-Za-z0-9_-]{20,}/g, replace: '[secret]' },
  {
    // password=…, "token":"…", PGPASSWORD: …, ?api_key=…& — JSON keys, query strings, env lines.
    kind: 'secret',
    // A quoted value runs to its closing quote (passwords hold & and ;); a bare one to a separator.
    // A JSON text inside a JSON string escapes its quotes (\"password\":\"…\"): the backslashes are optional.
    re: new RegExp(String.raw`(["']?${secretField}\\?["']?\s*[:=]\s*\\?)(?:"(?!\[)[^"]*"|'(?!\[)[^']*'|(?![\["'])[^"'\s&,;}\\]+)`, 'gi'),
    replace: (m, lead: string) => {
      const quote = m.charAt(lead.length);
      return quote === '"' || quote === "'" ? `${lead}${quote}[secret]${quote}` : `${lead}[secret]`;
    },
  },
  // Prose: "the password is hunter2", "api key: abc", "PIN was 1234", "secret = x".
  {
    kind: 'secret',
    re: /(\b(?:passwords?|passphrase|passcode|passwd|pin|secrets?|api[ _-]?keys?|access[ _-]?keys?|secret[ _-]?keys?|tokens?|credentials?)(?:\s+(?:is|was|are|were|has been|became|set to|changed to|reset to)|\s*[:=]|\s+(?:is|was)\s*[:=]?)\s*)(?:\\?"[^"\n]{1,200}"|'[^'\n]{1,200}'|`[^`\n]{1,200}`|(?!\[)[^\s"'`,;\\]{2,})/gi,
    replace: '$1[secret]',
  },
  // 32+ hex digits (API tokens, session ids, 64-hex keys); image digests after sha256: stay.
  { kind: 'secret', re: /(?<![A-Za-z0-9:_-])(?<!sha\d{1,3}:)[0-9a-fA-F]{32,}(?![A-Za-z0-9_-])/g, replace: hexOr },
  // URL-safe base64 (- and _) of 20+ characters, mixed case with digits and high entropy.
  { kind: 'secret', re: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9+/=_-])/g, replace: (m) => randomOr(m, 3.8) },
  // Padded base64 of 16+ characters (a random 12+ byte value), whatever its case mix.
  { kind: 'secret', re: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{14,}={1,2}(?![A-Za-z0-9+/=_-])/g, replace: (m) => (/[0-9]/.test(m) || /[A-Z]/.test(m) ? '[secret]' : m) },
  // Long mixed-case base64 with high entropy (keys, session secrets) wherever it stands; paths,
  // hex digests and ids stay (their entropy is lower, or they lack a case).
  { kind: 'secret', re: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{32,}={0,2}(?![A-Za-z0-9+/=_-])/g, replace: (m) => randomOr(m) },
  // IBAN: country, check digits, 11–30 alphanumerics in groups of four, mod-97 checked.
  { kind: 'iban', re: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g, replace: ibanOr },
  // Card numbers: 13–19 digits, in groups or not, starting 2–6, Luhn checked.
  { kind: 'card', re: /(?<![\w.-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\w-]|\.\d)/g, replace: (m) => (luhnValid(m) ? '[card]' : m) },
  // An email, also URL-encoded (%40) in a query string. Bounded parts keep long runs linear.
  { kind: 'email', re: /[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/gi, replace: '[email]' },
  // International: + and 8–15 digits with spaces, dots, dashes or brackets between groups.
  { kind: 'phone', re: /(?<![\w+])(?:\+|%2B)\d[\d\s().-]{6,20}\d(?!\w)/gi, replace: phoneOr },
  // US: (555) 123-4567, 555-123-4567, 555.123.4567.
  { kind: 'phone', re: /(?<![\w.-])(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w-]|\.\d)/g, replace: '[phone]' },
  // Bare or spaced North-American style: 5551234567, 555 123 4567, 1 555 123 4567 (area code 2–9,
  // so epoch seconds (1…) stay).
  { kind: 'phone', re: /(?<![\w.:-])(?:1[ -]?)?[2-9]\d{2}[ ]?\d{3}[ ]?\d{4}(?![\w:-]|\.\d)/g, replace: '[phone]' },
  // Spaced groups of 2–4 digits totalling 9–12 digits: 0176 1234 5678 is caught above; 44 20 7946 0958.
  { kind: 'phone', re: /(?<![\w.:-])\d{2,4}(?: \d{2,4}){2,4}(?![\w:-]|\.\d)/g, replace: (m) => { const n = m.replace(/\D/g, '').length; return n >= 9 && n <= 13 ? '[phone]' : m; } },
  // Street addresses: "221B Baker Street", "12 Oak Ave.", "Hauptstraße 5", "Musterweg 12a".
  {
    kind: 'address',
    re: /\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][A-Za-z'.-]{1,30}\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy|Row|Gardens|Mews|Walk|Hill)\b\.?|\b[A-ZÄÖÜ][a-zäöüß-]{1,40}(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer)\s+\d{1,4}[a-z]?\b/gu,
    replace: '[address]',
  },
  // Trunk-prefix local numbers: 07700 900123, 020 7946 0958, 030-1234567, 06 12 34 56 78.
  { kind: 'phone', re: /(?<![\w.:-])0\d{2,4}[\s-]\d{3,8}(?:[\s-]\d{3,4})?(?![\w:-]|\.\d)|(?<![\w.:-])0\d(?:[ .]\d{2}){4}(?![\w:-]|\.\d)|(?<![\w.:-])0[1-9]\d{8,9}(?![\w:-]|\.\d)/g, replace: '[phone]' },
];

/** Bits per character of a string's own symbol distribution. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** Replaces a long run that looks random (random base64 of 24+ bytes scores over 4.4 bits; paths about 3.8). */
function randomOr(match: string, minBits = 4.2): string {
  const looksRandom = /[0-9]/.test(match) && /[a-z]/.test(match) && /[A-Z]/.test(match) && shannonEntropy(match) >= minBits;
  return looksRandom ? '[secret]' : match;
}

/** Replaces a hex run with at least one digit and one letter (not a long number, not a word). */
function hexOr(match: string): string {
  return /[0-9]/.test(match) && /[a-f]/i.test(match) ? '[secret]' : match;
}

/**
 * Replaces an IBAN; the greedy match may have run on into what follows a space (an IBAN then a card
 * number, an order number), so the longest prefix ending before a space that checks is an IBAN too.
 */
function ibanOr(match: string): string {
  if (ibanValid(match)) return '[iban]';
  for (let i = match.lastIndexOf(' '); i > 0; i = match.lastIndexOf(' ', i - 1)) {
    if (ibanValid(match.slice(0, i))) return `[iban]${match.slice(i)}`;
  }
  return match;
}

/** The IBAN check: moved country and check digits, letters as numbers, mod 97 equals 1. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  let rest = 0;
  for (const c of iban.slice(4) + iban.slice(0, 4)) {
    const v = /[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55);
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** The Luhn check of a card number's digits (spaces and dashes ignored). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Keeps a "+…" match that has too few or too many digits to be a phone number (e.g. "+0100"). */
function phoneOr(match: string): string {
  const digits = match.replace(/%2B/i, '').replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15 ? '[phone]' : match;
}

const ipv4 = /(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w]|\.\d)/g;
// Full or ::-compressed IPv6 with at least three groups, so "10:00:00" times are not addresses.
const ipv6 = /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}|(?:[0-9a-f]{1,4}:){1,7}:|::(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})(?![\w:])/gi;

/** True for 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16 and 100.64/10 (carrier-grade NAT, k3s' default pod net is 10.42/16). */
export function isPrivateIpv4(a: number, b: number): boolean {
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

function scrubIps(text: string, keepPrivate: boolean, count: (kind: ScrubKind) => void): string {
  const v4 = text.replace(ipv4, (m, a: string, b: string, c: string, d: string) => {
    const parts = [a, b, c, d].map(Number);
    if (parts.some((p) => p > 255)) return m;
    if (keepPrivate && isPrivateIpv4(parts[0]!, parts[1]!)) return m;
    count('ip');
    return '[ip]';
  });
  return v4.replace(ipv6, (m) => {
    const lower = m.toLowerCase();
    if (!/[0-9a-f]:|:[0-9a-f]/.test(lower)) return m;
    if (keepPrivate && (lower === '::1' || /^f[cd][0-9a-f]{0,2}:|^fe[89ab][0-9a-f]?:/.test(lower))) return m;
    count('ip');
    return '[ip]';
  });
}

/** How many capture groups a pattern has (replace callbacks get them before offset and input). */
function groupCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`).exec('')?.length ?? 1) - 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A run of URL characters with at least one %XX escape (bounded: linear in the input).
const encodedRun = /[^\s"'<>`]{0,2000}%[0-9A-Fa-f]{2}[^\s"'<>`]{0,2000}/g;

/** Decodes %XX escapes (UTF-8 sequences together; a malformed one stays as written). */
function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return seq;
    }
  });
}

/** Decodes up to three times (double encoding). */
function decodeFully(text: string): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    const next = percentDecode(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** What a run may stand for: decoded as a URL, and as a form (a `+` written as such is a space; %2B is a plus). */
function decodedForms(run: string): string[] {
  const url = decodeFully(run);
  return url === run ? [] : [url, decodeFully(run.replace(/\+/g, '%20'))];
}

/** A compiled scrubber (the names pattern is built once). */
export class Scrubber {
  private readonly names: RegExp | null;
  private readonly keepPrivateIps: boolean;

  constructor(opts: ScrubOptions = {}) {
    this.keepPrivateIps = opts.keepPrivateIps ?? true;
    // Longest first so "Anna Maria" wins over "Anna"; one-letter names would eat every "a".
    // A full name also stands for its parts (and %20 in a URL is a word edge, not a digit before a name) of 3+ letters: a log may say "Okafor" alone.
    const given = (opts.knownNames ?? []).map((n) => n.trim());
    const parts = given.flatMap((n) => (/\s/.test(n) ? n.split(/\s+/).map((p) => p.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')).filter((p) => p.length >= 3) : []));
    const names = [...new Set([...given, ...parts].filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length);
    this.names = names.length === 0
      ? null
      : new RegExp(String.raw`(?<=^|[^\p{L}\p{N}_]|%[0-9A-Fa-f]{2})(?:${names.map((n) => escapeRegExp(n).replace(/\s+/g, String.raw`\s+`)).join('|')})(?![\p{L}\p{N}_])`, 'giu');
  }

  /**
   * Scrubs one text. URL-encoded runs (a query string, a logged request path) are decoded first
   * (twice encoded too, and `+` as a space): a run whose decoded text holds something to remove
   * is replaced by that decoded text, scrubbed; any other run stays as written, so a harmless
   * link is not rewritten.
   */
  scrub(text: string): ScrubResult {
    const removed: Partial<Record<ScrubKind, number>> = {};
    const decoded = text.includes('%') ? text.replace(encodedRun, (run) => this.scrubEncoded(run, removed)) : text;
    const plain = this.scrubPlain(decoded);
    mergeCounts(removed, plain.removed);
    return { text: plain.text, removed };
  }

  /** An encoded run: its decoded forms scrubbed, or the run itself when none holds anything to remove. */
  private scrubEncoded(run: string, removed: Partial<Record<ScrubKind, number>>): string {
    for (const form of decodedForms(run)) {
      const r = this.scrubPlain(form);
      if (r.text !== form) {
        mergeCounts(removed, r.removed);
        return r.text;
      }
    }
    return run;
  }

  private scrubPlain(text: string): ScrubResult {
    const removed: Partial<Record<ScrubKind, number>> = {};
    const count = (kind: ScrubKind): void => void (removed[kind] = (removed[kind] ?? 0) + 1);
    let out = text;
    for (const [i, p] of patterns.entries()) {
      // Right after whole blocks: only lone END markers are left.
      if (i === 1) out = removeKeyTails(out, count);
      out = out.replace(p.re, (...args: unknown[]) => {
        const match = args[0] as string;
        const groups = args.slice(1, 1 + groupCount(p.re)).map((g) => (typeof g === 'string' ? g : ''));
        const next = typeof p.replace === 'string' ? p.replace.replace(/\$(\d)/g, (_s, i: string) => groups[Number(i) - 1] ?? '') : p.replace(match, ...groups);
        if (next !== match) count(p.kind);
        return next;
      });
    }
    out = scrubIps(out, this.keepPrivateIps, count);
    if (this.names) {
      out = out.replace(this.names, () => {
        count('name');
        return '[name]';
      });
    }
    return { text: out, removed };
  }

  /** Scrubs the values of a label or annotation map (label names are infrastructure and stay). */
  scrubMap(map: Record<string, string>): { map: Record<string, string>; removed: Partial<Record<ScrubKind, number>> } {
    const removed: Partial<Record<ScrubKind, number>> = {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(map)) {
      const r = this.scrub(v);
      out[k] = r.text;
      mergeCounts(removed, r.removed);
    }
    return { map: out, removed };
  }
}

/** Adds `more`'s counts into `into`. */
export function mergeCounts(into: Partial<Record<ScrubKind, number>>, more: Partial<Record<ScrubKind, number>>): void {
  for (const [k, n] of Object.entries(more) as [ScrubKind, number][]) into[k] = (into[k] ?? 0) + n;
}

/** Scrubs one text with a one-off scrubber (see Scrubber for repeated use). */
export function scrubText(text: string, opts: ScrubOptions = {}): string {
  return new Scrubber(opts).scrub(text).text;
}

/** Scrubs a label or annotation map's values with a one-off scrubber. */
export function scrubMap(map: Record<string, string>, opts: ScrubOptions = {}): Record<string, string> {
  return new Scrubber(opts).scrubMap(map).map;
}
