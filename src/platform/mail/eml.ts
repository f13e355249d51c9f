/**
 * A reader for the messages the outbox itself wrote (nodemailer's output: UTF-8, quoted-printable
 * or base64 bodies, RFC 2047 headers), enough to list them and show their text. Not a general
 * MIME parser: anything it does not recognise is left out rather than guessed at.
 */

/** Headers (lower-case names, unfolded, encoded words decoded), the text body and whether an HTML part exists. */
export interface ParsedEml {
  headers: Map<string, string>;
  text: string | undefined;
  hasHtml: boolean;
}

const encodedWord = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, data: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64');
  return qpBytes(data.replace(/_/g, ' '));
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words (UTF-8); adjacent words are joined before decoding, as a character may span two. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  let out = '';
  let pending: Buffer[] = [];
  let last = 0;
  for (const m of joined.matchAll(encodedWord)) {
    if (m.index > last) {
      out += Buffer.concat(pending).toString('utf8') + joined.slice(last, m.index);
      pending = [];
    }
    pending.push(wordBytes(m[2]!, m[3]!));
    last = m.index + m[0].length;
  }
  return out + Buffer.concat(pending).toString('utf8') + joined.slice(last);
}

function splitPart(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function decodeBody(body: string, transferEncoding: string): string {
  const cte = transferEncoding.toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return qpBytes(body.replace(/=\r?\n/g, '')).toString('utf8');
  return Buffer.from(body, 'latin1').toString('utf8');
}

function walk(raw: string, found: { text: string | undefined; hasHtml: boolean }, depth: number): void {
  const { headers, body } = splitPart(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const mime = type.split(';')[0]!.trim().toLowerCase();
  if (mime.startsWith('multipart/') && depth < 4) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) return;
    const parts = body.split(`--${boundary}`).slice(1);
    for (const part of parts) {
      if (part.startsWith('--')) break;
      walk(part.replace(/^\r?\n/, ''), found, depth + 1);
    }
  } else if (mime === 'text/plain' && found.text === undefined) {
    found.text = decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit').replace(/\r\n/g, '\n').replace(/\n$/, '');
  } else if (mime === 'text/html') {
    found.hasHtml = true;
  }
}

/** Parses an .eml file the outbox wrote. */
export function parseEml(raw: Buffer): ParsedEml {
  // Nodemailer's output is 7-bit; latin1 keeps every byte as one character for the decoders.
  const text = raw.toString('latin1');
  const found = { text: undefined as string | undefined, hasHtml: false };
  walk(text, found, 0);
  return { headers: splitPart(text).headers, ...found };
}
