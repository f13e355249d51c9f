import { describe, expect, it } from 'vitest';
import { dogFormSchema } from './dogs.schema.js';
import { ageBandBounds, ageOn, ageText, formatCents, isIsoDate, monthsBefore, normaliseMicrochip, parseMoney } from './dogs.values.js';

const minimal = { name: 'Rex', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray' };

describe('money', () => {
  it.each([['150', 15000], ['150.00', 15000], ['150.5', 15050], ['0', 0], [' 75.25 ', 7525]])('reads %j as %i cents', (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });
  it.each(['', 'abc', '-5', '1,50', '150.001', '£150'])('refuses %j', (text) => expect(parseMoney(text)).toBeUndefined());
  it('shows two decimals', () => {
    expect(formatCents(15000)).toBe('150.00');
    expect(formatCents(7505)).toBe('75.05');
    expect(formatCents(0)).toBe('0.00');
  });
});

describe('ages and dates', () => {
  it('checks calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-2-1')).toBe(false);
  });
  it('counts back months, clamping to shorter months', () => {
    expect(monthsBefore('2024-05-31', 3)).toBe('2024-02-29');
    expect(monthsBefore('2024-01-15', 14)).toBe('2022-11-15');
  });
  it('gives an age in whole years and months', () => {
    expect(ageOn('2022-03-10', '2024-05-09')).toEqual({ years: 2, months: 1 });
    expect(ageOn('2022-03-10', '2024-05-10')).toEqual({ years: 2, months: 2 });
    expect(ageOn('2030-01-01', '2024-05-10')).toEqual({ years: 0, months: 0 });
    expect(ageText({ years: 1, months: 0 })).toBe('1 year');
    expect(ageText({ years: 2, months: 3 })).toBe('2 years, 3 months');
    expect(ageText({ years: 0, months: 0 })).toBe('under a month');
  });
  it('maps age bands to birth-date bounds', () => {
    expect(ageBandBounds('puppy', '2024-06-15')).toEqual({ bornAfter: '2023-06-15' });
    expect(ageBandBounds('young', '2024-06-15')).toEqual({ bornAfter: '2021-06-15', bornOnOrBefore: '2023-06-15' });
    expect(ageBandBounds('adult', '2024-06-15')).toEqual({ bornAfter: '2016-06-15', bornOnOrBefore: '2021-06-15' });
    expect(ageBandBounds('senior', '2024-06-15')).toEqual({ bornOnOrBefore: '2016-06-15' });
  });
});

describe('the dog form', () => {
  it('ignores spaces in a microchip and refuses 8 digits', () => {
    expect(normaliseMicrochip('985 112-003')).toBe('985112003');
    expect(dogFormSchema.parse({ ...minimal, microchip: '985 112 003 456 789' }).microchip).toBe('985112003456789');
    const short = dogFormSchema.safeParse({ ...minimal, microchip: '12345678' });
    expect(short.success).toBe(false);
    expect(short.error!.issues[0]!.path).toEqual(['microchip']);
    expect(dogFormSchema.safeParse({ ...minimal, microchip: '1234567890123456' }).success).toBe(false);
  });
  it('reads an estimated age as months and a fee as cents', () => {
    const dog = dogFormSchema.parse({ ...minimal, age_years: '2', age_months: '6', adoption_fee: '150', breeds: 'Lab, Collie, Lab' });
    expect(dog.birth).toEqual({ kind: 'age', months: 30 });
    expect(dog.adoption_fee_cents).toBe(15000);
    expect(dog.breeds).toEqual(['Lab', 'Collie']);
    expect(dogFormSchema.parse(minimal).birth).toEqual({ kind: 'unknown' });
  });
  it('refuses both a birth date and an estimated age', () => {
    const both = dogFormSchema.safeParse({ ...minimal, birth_date: '2020-01-01', age_years: '3' });
    expect(both.error!.issues.map((i) => i.path.join('.'))).toEqual(['birth_date']);
  });
  it('refuses a birth date in the future and a months value over 11', () => {
    const r = dogFormSchema.safeParse({ ...minimal, birth_date: '2999-01-01' });
    expect(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['birth_date: must be a past date like 2021-05-31']);
    const months = dogFormSchema.safeParse({ ...minimal, age_months: '12' });
    expect(months.error!.issues.map((i) => i.path.join('.'))).toEqual(['age_months']);
  });
});
