/**
 * Dates, times and money as the rescue reads them. Layout provides the request's locale to every
 * component below it (a Preact context), so a table deep in a page needs no locale passed down.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { defaultRescueLocale, formatDate, formatDateTime, formatDay, formatMoney, type RescueLocale } from '../../locale/index.js';

/** The rescue's locale for the components of one page (Layout sets it from PageContext.locale). */
export const RescueLocaleContext = createContext<RescueLocale>(defaultRescueLocale);

/** The locale of the page being rendered. */
export function useRescueLocale(): RescueLocale {
  return useContext(RescueLocaleContext);
}

/** An instant in the rescue's time zone ("2 Mar 2030, 00:30 GMT+13"; with `dateOnly`, "2 Mar 2030"), machine-readable in datetime. */
export function When({ at, dateOnly }: { at: Date; dateOnly?: boolean }) {
  const loc = useRescueLocale();
  return <time datetime={at.toISOString()}>{dateOnly ? formatDate(at, loc) : formatDateTime(at, loc)}</time>;
}

/** A calendar day (YYYY-MM-DD) in the rescue's words; a day has no time zone. */
export function Day({ day }: { day: string }) {
  return <time datetime={day}>{formatDay(day, useRescueLocale())}</time>;
}

/** An amount in cents in the rescue's currency and locale. */
export function Money({ cents }: { cents: number }) {
  return <>{formatMoney(cents, useRescueLocale())}</>;
}
