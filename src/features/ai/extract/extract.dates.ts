/**
 * Dates as vet documents write them: ISO (2025-03-14), US (03/14/2025), European (14.03.2025,
 * 14/03/25), and with month names (14 Mar 2025, March 14th, 2025, 14-MAR-2025). Numeric dates
 * whose day and month could swap are read in the order the rest of the document proves.
 */

/** Which of the first two numbers of a numeric date is the day. */
export type DayOrder = 'mdy' | 'dmy';

/** A date found in a line: ISO form and where it sits in the line. */
export interface FoundDate {
  iso: string;
  index: number;
  end: number;
}

const MONTH = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const ORD = '(?:st|nd|rd|th)?';
const patterns: { re: RegExp; parts: (m: RegExpExecArray, order: DayOrder) => [string, string, string] | null }[] = [
  // OCR puts spaces beside separators ("08. 07. 2025"): one is allowed on each side.
  { re: /\b(\d{4}) ?[-/.] ?(\d{1,2}) ?[-/.] ?(\d{1,2})\b/g, parts: (m) => [m[1]!, m[2]!, m[3]!] },
  {
    re: /\b(\d{1,2}) ?([-/.]) ?(\d{1,2}) ?\2 ?(\d{4}|\d{2})\b/g,
    parts: (m, order) => (m[2] === '.' || order === 'dmy' ? [m[4]!, m[3]!, m[1]!] : [m[4]!, m[1]!, m[3]!]),
  },
  { re: new RegExp(`\\b(\\d{1,2})${ORD}[ -]?(?:of )?(${MONTH})\\.?,?[ -]?(\\d{4})\\b`, 'gi'), parts: (m) => [m[3]!, monthNumber(m[2]!), m[1]!] },
  { re: new RegExp(`\\b(${MONTH})\\.?[ -](\\d{1,2})${ORD},?[ -]?(\\d{4})\\b`, 'gi'), parts: (m) => [m[3]!, monthNumber(m[1]!), m[2]!] },
];

function monthNumber(name: string): string {
  const i = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(name.slice(0, 3).toLowerCase());
  return String(i + 1);
}

function toIso(y: string, m: string, d: string): string | null {
  let year = Number(y);
  if (y.length === 2) year += year < 70 ? 2000 : 1900;
  const [month, day] = [Number(m), Number(d)];
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const confusable: Record<string, string> = { O: '0', o: '0', D: '0', Q: '0', l: '1', I: '1', '|': '1', i: '1', S: '5', s: '5', B: '8', Z: '2', z: '2' };

/**
 * Undoes OCR's usual letter-for-digit swaps (O→0, l/I→1, S→5, B→8) inside tokens that are mostly
 * digits, such as `O3/l4/2O25` or `98511200345678g`; words are left alone.
 */
export function fixOcrDigits(line: string): string {
  return line.replace(/[0-9A-Za-z|]*[0-9][0-9A-Za-z|/.-]*/g, (token) => {
    const digits = token.replace(/[^0-9]/g, '').length;
    const swappable = token.replace(/[^OoDQlIi|SsBZz]/g, '').length;
    const other = token.length - digits - swappable - token.replace(/[^/.-]/g, '').length;
    if (swappable === 0 || other > 0 || digits < 2 || digits <= swappable) return token;
    return token.replace(/[OoDQlIi|SsBZz]/g, (c) => confusable[c]!);
  });
}

/** Every date in a line, left to right, as ISO. */
export function findDates(line: string, order: DayOrder = 'mdy'): FoundDate[] {
  const found: FoundDate[] = [];
  for (const { re, parts } of patterns) {
    re.lastIndex = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const [index, end] = [m.index, m.index + m[0].length];
      if (found.some((f) => index < f.end && end > f.index)) continue;
      const p = parts(m, order);
      const iso = p && toIso(...p);
      if (iso) found.push({ iso, index, end });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Decides the day order of a document from its unambiguous numeric dates (a first number over 12
 * is a day; a second over 12 is a day too); month names written day-first or month-first count too;
 * without evidence, slashes read as US and dots as European.
 */
export function guessDayOrder(text: string): DayOrder {
  let [mdy, dmy] = [0, 0];
  for (const m of text.matchAll(/\b(\d{1,2}) ?([/.-]) ?(\d{1,2}) ?\2 ?(?:\d{4}|\d{2})\b/g)) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    if (a > 12 && b <= 12) dmy += 2;
    else if (b > 12 && a <= 12) mdy += 2;
    else if (m[2] === '.') dmy += 1;
  }
  // A document writes its dates one way: "14 March 2025" is day-first, "March 14, 2025" month-first.
  dmy += [...text.matchAll(new RegExp(`\\b\\d{1,2}${ORD} (?:${MONTH})\\b`, 'gi'))].length;
  mdy += [...text.matchAll(new RegExp(`\\b(?:${MONTH})\\.? \\d{1,2}${ORD}\\b`, 'gi'))].length;
  return dmy > mdy ? 'dmy' : 'mdy';
}
