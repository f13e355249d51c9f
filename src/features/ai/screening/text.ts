/**
 * Applicant text as data: folding it to one comparable form (so a Unicode trick cannot hide a
 * phrase from a rule or slip one past a check) and cutting quotes out of it. Fencing it for a prompt
 * is the mechanism's (ai.feature.ts: JSON data with angle brackets escaped).
 */

// Invisible characters that change nothing a person reads: zero-width spaces and joiners, the word
// joiner, bidi embeddings, overrides and isolates, the byte-order mark, soft hyphens, and tag characters.
// eslint-disable-next-line no-misleading-character-class -- lone combining and invisible characters are what it removes
const invisible = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]|[\u{E0000}-\u{E007F}]/gu;

// Letters from other scripts that look like Latin ones (the common confusables in phishing and
// prompt tricks); folded only for matching, never in what is shown.
const lookalikes: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};
const lookalikePattern = new RegExp(`[${Object.keys(lookalikes).join('')}]`, 'gu');

/** Control characters other than tab and line breaks. */
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Text as a rule compares it: NFKC, invisible and control characters gone, look-alikes folded, lower case, spaces collapsed. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(invisible, '')
    .replace(controls, ' ')
    .toLowerCase()
    .replace(lookalikePattern, (c) => lookalikes[c] ?? c)
    .replace(/[‘’‛′]/g, "'")
    .replace(/[“”„″]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Text fit to show or quote: NFC, invisible and control characters gone, spaces collapsed. */
export function clean(text: string): string {
  return text.normalize('NFC').replace(invisible, '').replace(controls, ' ').replace(/[ \t]+/g, ' ').trim();
}

/** The sentence of `text` around [start, end), at most `max` characters, with an ellipsis where cut. */
export function sentenceAround(text: string, start: number, end: number, max = 200): string {
  const before = text.slice(0, start);
  const from = Math.max(before.search(/[^.!?\n]*$/), 0);
  const after = text.slice(end).search(/[.!?\n]/);
  const to = after < 0 ? text.length : end + after + (text[end + after] === '\n' ? 0 : 1);
  let quote = text.slice(from, to).trim();
  if (quote.length > max) {
    const centre = Math.round((start + end) / 2) - from;
    const a = Math.max(0, Math.min(quote.length - max, centre - Math.floor(max / 2)));
    quote = `${a > 0 ? '…' : ''}${quote.slice(a, a + max).trim()}${a + max < quote.length ? '…' : ''}`;
  }
  return quote;
}

/** Whether `quote` appears in `text` once both are folded (ellipses and spacing aside). */
export function quoteOccursIn(quote: string, text: string): boolean {
  const t = fold(text);
  // Every piece between ellipses must occur, in order.
  // Split before folding: NFKC turns the ellipsis into three dots.
  const pieces = quote.split('…').map((p) => fold(p)).filter(Boolean);
  if (pieces.length === 0) return false;
  let at = 0;
  for (const piece of pieces) {
    const i = t.indexOf(piece, at);
    if (i < 0) return false;
    at = i + piece.length;
  }
  return true;
}

/** Word sequences of `n` words in folded text, for spotting an answer repeated back. */
export function shingles(text: string, n: number): Set<string> {
  const words = fold(text).replace(/[^\p{L}\p{N}' ]+/gu, ' ').split(' ').filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}
