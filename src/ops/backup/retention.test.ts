import { describe, expect, it } from 'vitest';
import { formatKeepRules, keptBackups, parseKeepRules } from './retention.js';

const at = (iso: string) => new Date(iso);
const keptIsos = (times: Date[], rules: string) => [...keptBackups(times, parseKeepRules(rules)).keys()].map((t) => new Date(t).toISOString()).sort();

describe('keep rules', () => {
  it('parses and prints the setting, and refuses a bad part by name', () => {
    expect(parseKeepRules('daily=7, weekly=4,monthly=6')).toEqual({ daily: 7, weekly: 4, monthly: 6 });
    expect(formatKeepRules({ daily: 7, monthly: 6 })).toBe('daily=7,monthly=6');
    expect(() => parseKeepRules('daily=7,yearly=2')).toThrow(/"yearly=2" is not a keep rule/);
    expect(() => parseKeepRules('')).toThrow(/at least one rule/);
  });

  it('keeps the newest of each of the newest N days, and always the newest backup', () => {
    // Two backups a day for ten days, at 02:30 and 14:30 UTC.
    const times = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2026, 11, 1 + Math.floor(i / 2), i % 2 ? 14 : 2, 30)));
    const kept = keptIsos(times, 'daily=3');
    expect(kept).toEqual(['2026-12-08T14:30:00.000Z', '2026-12-09T14:30:00.000Z', '2026-12-10T14:30:00.000Z']);
    expect(keptIsos(times, 'last=1')).toEqual(['2026-12-10T14:30:00.000Z']);
  });

  it('weeks are ISO weeks (Monday first) and months are calendar months, in UTC', () => {
    const times = ['2026-11-29T03:00:00Z', '2026-11-30T03:00:00Z', '2026-12-06T23:00:00Z', '2026-12-07T01:00:00Z', '2026-10-15T03:00:00Z'].map(at);
    // 30 Nov 2026 is a Monday: 29 Nov ends the week before; 6 Dec (Sunday) ends 30 Nov's week.
    expect(keptIsos(times, 'weekly=3')).toEqual(['2026-11-29T03:00:00.000Z', '2026-12-06T23:00:00.000Z', '2026-12-07T01:00:00.000Z']);
    expect(keptIsos(times, 'monthly=2')).toEqual(['2026-11-30T03:00:00.000Z', '2026-12-07T01:00:00.000Z']);
  });

  it('daily=7,weekly=4,monthly=6 over a year of nightly backups keeps 14 distinct ones', () => {
    const times = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i, 2, 30)));
    const kept = keptBackups(times, parseKeepRules('daily=7,weekly=4,monthly=6'));
    // Dailies 25-31 Dec; weeklies end on Sundays 27 (a daily already), 20 and 13 Dec and on
    // Thursday 31 Dec; monthlies are the last days of Dec (a daily) back to July.
    expect(kept.size).toBe(7 + 2 + 5);
    expect(kept.get(Date.UTC(2026, 11, 20, 2, 30))).toEqual(['weekly']);
    expect(kept.get(Date.UTC(2026, 11, 31, 2, 30))).toEqual(['newest', 'daily', 'weekly', 'monthly']);
    expect(kept.has(Date.UTC(2026, 6, 31, 2, 30))).toBe(true);
    expect(kept.has(Date.UTC(2026, 5, 30, 2, 30))).toBe(false);
  });
});
