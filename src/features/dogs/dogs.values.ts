// Dates here are calendar days as YYYY-MM-DD strings, counted in UTC, so no server time zone can
// shift a birthday by one.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y!, m!, d!];
}

/** Today's date (UTC) as YYYY-MM-DD. */
export function isoToday(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const [y, m, d] = parts(text);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The day `months` months before `today`, the day clamped to the end of a shorter month. */
export function monthsBefore(today: string, months: number): string {
  const [y, m, d] = parts(today);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(d, lastDay))}`;
}

/** Whole years and months from a birth date to today (never negative). */
export function ageOn(birthDate: string, today: string): { years: number; months: number } {
  const [by, bm, bd] = parts(birthDate);
  const [ty, tm, td] = parts(today);
  const total = Math.max(0, (ty - by) * 12 + (tm - bm) - (td < bd ? 1 : 0));
  return { years: Math.floor(total / 12), months: total % 12 };
}

/** An age in words: "2 years, 3 months", "5 months", "under a month". */
export function ageText(age: { years: number; months: number }): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const out = [age.years > 0 ? unit(age.years, 'year') : '', age.months > 0 ? unit(age.months, 'month') : ''].filter(Boolean);
  return out.length ? out.join(', ') : 'under a month';
}

/** Inclusive-exclusive birth-date bounds of an age band, as of today. */
export function ageBandBounds(band: 'puppy' | 'young' | 'adult' | 'senior', today: string): { bornAfter?: string; bornOnOrBefore?: string } {
  const yearsAgo = (years: number) => monthsBefore(today, years * 12);
  switch (band) {
    case 'puppy':
      return { bornAfter: yearsAgo(1) };
    case 'young':
      return { bornAfter: yearsAgo(3), bornOnOrBefore: yearsAgo(1) };
    case 'adult':
      return { bornAfter: yearsAgo(8), bornOnOrBefore: yearsAgo(3) };
    case 'senior':
      return { bornOnOrBefore: yearsAgo(8) };
  }
}

const moneyPattern = /^(\d{1,7})(?:\.(\d{1,2}))?$/;

/** An amount as typed ("150", "150.5", "150.00") in cents; undefined when it is not one. */
export function parseMoney(text: string): number | undefined {
  const match = moneyPattern.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Cents shown with two decimals ("150.00"). */
export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${pad(cents % 100)}`;
}

/** A microchip number as typed, without the spaces people copy from scanners and certificates. */
export function normaliseMicrochip(text: string): string {
  return text.replace(/[\s-]/g, '');
}
