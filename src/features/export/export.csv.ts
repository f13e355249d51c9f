// CSV as RFC 4180 writes it (CRLF rows, fields quoted when they hold a comma, quote or line break),
// made safe to open in a spreadsheet: a text cell that starts like a formula is prefixed with an
// apostrophe so =HYPERLINK(…) typed into an application form stays text (OWASP "CSV injection").

/** A cell value: text, a number, a yes/no, a list (joined with "; ") or nothing. */
export type CsvValue = string | number | boolean | null | undefined | readonly string[];

/** One column: its header and how to read it from a row. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

const formulaStart = /^[=+\-@\t\r]/;

/** A text cell neutralised against formula injection. */
export function neutraliseFormula(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/** One cell as CSV text: neutralised, then quoted when it must be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers and booleans are Kona's own values, never typed by a person: written as they are.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = neutraliseFormula(typeof value === 'string' ? value : value.join('; '));
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The start of a CSV document: a UTF-8 byte-order mark (so spreadsheet programs read accents right)
 * and the header row.
 */
export function csvHead<T>(columns: readonly CsvColumn<T>[]): string {
  return `\uFEFF${columns.map((c) => csvCell(c.header)).join(',')}\r\n`;
}

/** One record as a CSV line, CRLF included. */
export function csvLine<T>(columns: readonly CsvColumn<T>[], row: T): string {
  return `${columns.map((c) => csvCell(c.value(row))).join(',')}\r\n`;
}

/** A whole CSV document: the head, then one line per record. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  return csvHead(columns) + rows.map((row) => csvLine(columns, row)).join('');
}
