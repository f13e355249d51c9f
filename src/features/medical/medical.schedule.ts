import type { RepeatUnit } from '../../platform/db/schema.js';
import { addDays } from './medical.due.js';

/** Repeat units as the form offers them. */
export const repeatUnitChoices: { value: RepeatUnit; label: string }[] = [
  { value: 'day', label: 'days' },
  { value: 'week', label: 'weeks' },
  { value: 'month', label: 'months' },
  { value: 'year', label: 'years' },
];

const parts = (day: string) => day.split('-').map(Number) as [number, number, number];
const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The day `months` calendar months after `day`; the 31st lands on the month's last day when it is shorter. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parts(day);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return iso(year, month, Math.min(d, daysIn(year, month)));
}

/** The day one interval of `every` `unit`s after `day`. */
export function addInterval(day: string, every: number, unit: RepeatUnit): string {
  if (unit === 'day') return addDays(day, every);
  if (unit === 'week') return addDays(day, every * 7);
  return addMonths(day, unit === 'year' ? every * 12 : every);
}

/** A treatment's repeat interval in words: "every 2 weeks", "every month". */
export function repeatText(every: number | null, unit: RepeatUnit | null): string | undefined {
  if (!every || !unit) return undefined;
  return every === 1 ? `every ${unit}` : `every ${every} ${unit}s`;
}

/**
 * When a booster given on `givenOn` is next due, keeping the interval the previous dose had
 * (from its given date to its due date): whole months when both fall on the same day of the
 * month (a yearly rabies booster stays yearly across leap years), otherwise days.
 */
export function nextBoosterDue(previous: { givenOn: string; dueOn: string | null }, givenOn: string): string | null {
  if (!previous.dueOn) return null;
  const [gy, gm, gd] = parts(previous.givenOn);
  const [dy, dm, dd] = parts(previous.dueOn);
  if (gd === dd) return addMonths(givenOn, (dy - gy) * 12 + (dm - gm));
  const days = Math.round((Date.parse(`${previous.dueOn}T00:00:00Z`) - Date.parse(`${previous.givenOn}T00:00:00Z`)) / 86_400_000);
  return addDays(givenOn, days);
}

/**
 * Where a treatment's next dose falls after one given on `givenOn`: one interval later, or null
 * when that passes the end of the course (nothing more is due).
 */
export function nextDoseDue(treatment: { repeatEvery: number; repeatUnit: RepeatUnit; endsOn: string | null }, givenOn: string): string | null {
  const next = addInterval(givenOn, treatment.repeatEvery, treatment.repeatUnit);
  return treatment.endsOn && next > treatment.endsOn ? null : next;
}
