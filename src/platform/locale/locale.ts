/**
 * A rescue's time zone, currency and locale, and the formatting that reads them. Instants are shown
 * in the rescue's zone; calendar days (YYYY-MM-DD, a birthday, a due date) are days, not instants,
 * so they are never shifted by a zone. Formatters are cached: Intl builds them slowly.
 */

/** What a request (or a job) knows about how its rescue reads dates and money. */
export interface RescueLocale {
  /** IANA time zone (Pacific/Auckland). */
  timeZone: string;
  /** ISO 4217 code (EUR). */
  currency: string;
  /** BCP 47 tag (de-DE). */
  locale: string;
}

/** What a rescue that has set nothing gets: UTC days, euros, British English. */
export const defaultRescueLocale: RescueLocale = { timeZone: 'UTC', currency: 'EUR', locale: 'en-GB' };

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** Whether Intl knows a time zone (IANA names and UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
}

let currencies: Set<string> | undefined;

/** Whether a code is an ISO 4217 currency Intl supports. */
export function isCurrency(value: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(value);
}

/** Whether a BCP 47 tag is well formed and Intl can format numbers and dates for it. */
export function isLocale(value: string): boolean {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical !== undefined && Intl.NumberFormat.supportedLocalesOf(canonical).length > 0 && Intl.DateTimeFormat.supportedLocalesOf(canonical).length > 0;
  } catch {
    return false;
  }
}

/** An amount in cents in the rescue's currency and locale ("1.234,00 €" for EUR in de-DE). */
export function formatMoney(cents: number, loc: RescueLocale): string {
  const f = cached(`money|${loc.locale}|${loc.currency}`, () => new Intl.NumberFormat(loc.locale, { style: 'currency', currency: loc.currency }));
  return f.format(cents / 100);
}

/** An instant's date in the rescue's zone ("2 Mar 2030"). */
export function formatDate(at: Date, loc: RescueLocale): string {
  return cached(`date|${loc.locale}|${loc.timeZone}`, () => new Intl.DateTimeFormat(loc.locale, { timeZone: loc.timeZone, dateStyle: 'medium' })).format(at);
}

/** An instant's date and time in the rescue's zone, with the zone named ("2 Mar 2030, 00:30 NZDT"). */
export function formatDateTime(at: Date, loc: RescueLocale): string {
  return cached(`datetime|${loc.locale}|${loc.timeZone}`, () =>
    new Intl.DateTimeFormat(loc.locale, { timeZone: loc.timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })).format(at);
}

/** A calendar day (YYYY-MM-DD) in the rescue's words ("2 Mar 2030"); a day has no zone. */
export function formatDay(day: string, loc: RescueLocale): string {
  const at = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return day;
  return cached(`day|${loc.locale}`, () => new Intl.DateTimeFormat(loc.locale, { timeZone: 'UTC', dateStyle: 'medium' })).format(at);
}

type WallParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallParts(at: Date, timeZone: string): WallParts {
  const f = cached(`parts|${timeZone}`, () =>
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }));
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The rescue's calendar day at an instant, as YYYY-MM-DD (what "today" means to it). */
export function dayIn(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;
}

/** An instant as a date-time field shows it in the rescue's zone (YYYY-MM-DDTHH:mm). */
export function wallClockIn(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${dayIn(at, timeZone)}T${pad(p.hour)}:${pad(p.minute)}`;
}

// How far the zone's wall clock is ahead of UTC at an instant, in milliseconds.
function offsetAt(at: number, timeZone: string): number {
  const p = wallParts(new Date(at), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time in a zone names. A time skipped by a spring-forward change is read
 * with the offset before the change (as browsers do); a repeated autumn hour as its first occurrence.
 */
export function instantOfWallClock(wall: Omit<WallParts, 'second'> & { second?: number }, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return new Date(Math.min(first, second));
}
