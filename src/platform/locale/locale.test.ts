import { describe, expect, it } from 'vitest';
import { contrastRatio, textColourOn } from './contrast.js';
import { dayIn, formatDateTime, formatDay, formatMoney, instantOfWallClock, isCurrency, isLocale, isTimeZone, wallClockIn } from './locale.js';

describe('rescue locale', () => {
  it('shows money in the rescue currency and locale', () => {
    expect(formatMoney(123400, { timeZone: 'UTC', currency: 'EUR', locale: 'de-DE' })).toBe('1.234,00\u00a0€');
    expect(formatMoney(15000, { timeZone: 'UTC', currency: 'GBP', locale: 'en-GB' })).toBe('£150.00');
  });

  it('finds the rescue day: 11:30 UTC on 1 March 2030 is 2 March in Auckland', () => {
    const at = new Date('2030-03-01T11:30:00Z');
    expect(dayIn(at, 'Pacific/Auckland')).toBe('2030-03-02');
    expect(dayIn(at, 'UTC')).toBe('2030-03-01');
    expect(dayIn(at, 'America/Los_Angeles')).toBe('2030-03-01');
  });

  it('shows instants in the rescue zone and days as days', () => {
    const loc = { timeZone: 'Pacific/Auckland', currency: 'NZD', locale: 'en-GB' };
    expect(formatDateTime(new Date('2030-03-01T11:30:00Z'), loc)).toBe('2 Mar 2030, 00:30 GMT+13');
    expect(formatDay('2030-03-02', loc)).toBe('2 Mar 2030');
  });

  it('reads a typed date-time in the rescue zone and writes it back the same', () => {
    const at = instantOfWallClock({ year: 2030, month: 3, day: 2, hour: 10, minute: 30 }, 'Pacific/Auckland');
    expect(at.toISOString()).toBe('2030-03-01T21:30:00.000Z');
    expect(wallClockIn(at, 'Pacific/Auckland')).toBe('2030-03-02T10:30');
    const winter = instantOfWallClock({ year: 2030, month: 7, day: 1, hour: 9, minute: 0 }, 'Europe/Berlin');
    expect(winter.toISOString()).toBe('2030-07-01T07:00:00.000Z');
    expect(instantOfWallClock({ year: 2030, month: 7, day: 1, hour: 9, minute: 0 }, 'UTC').toISOString()).toBe('2030-07-01T09:00:00.000Z');
  });

  it('accepts only zones, currencies and locales Intl knows', () => {
    expect(isTimeZone('Pacific/Auckland')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('XYZ')).toBe(false);
    expect(isLocale('de-DE')).toBe(true);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('not a locale')).toBe(false);
  });

  it('picks black or white text on any accent with contrast of at least 4.5:1', () => {
    expect(textColourOn('#ffff00')).toBe('#000000');
    expect(textColourOn('#1a3a6b')).toBe('#ffffff');
    for (let n = 0; n < 0x1000000; n += 0x010307) {
      const hex = `#${n.toString(16).padStart(6, '0')}`;
      expect(contrastRatio(hex, textColourOn(hex))).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});
