import { describe, expect, it } from 'vitest';
import { fillPlaceholders, formatInterviewAt, renderTemplate, sampleValues, unknownPlaceholders } from './templates.render.js';

const values = { applicant_name: 'Rosa Díaz', dog_name: 'Biscuit', rescue_name: 'Paws Rescue', interview_at: 'Friday', reason: 'No garden.' };

describe('adoption email templates', () => {
  it('fills every known placeholder, with or without spaces inside the braces', () => {
    expect(fillPlaceholders('Hi {{applicant_name}}, {{ dog_name }} says hello from {{rescue_name}}. {{reason}} {{interview_at}}', values))
      .toBe('Hi Rosa Díaz, Biscuit says hello from Paws Rescue. No garden. Friday');
  });

  it('names unknown placeholders once each, and leaves them as typed when filling', () => {
    expect(unknownPlaceholders('{{dog}} {{ applicant }} {{dog}} {{dog_name}} {{}}')).toEqual(['dog', 'applicant', '']);
    expect(unknownPlaceholders('Plain {braces} and {{dog_name}}')).toEqual([]);
    expect(fillPlaceholders('{{dog}} {{dog_name}}', values)).toBe('{{dog}} Biscuit');
  });

  it('keeps the subject on one line even when a value holds a line break', () => {
    const out = renderTemplate({ subject: 'About {{dog_name}}', body: 'Dear {{applicant_name}}' }, { ...values, dog_name: 'Bis\r\ncuit' });
    expect(out.subject).toBe('About Bis cuit');
    expect(out.text).toBe('Dear Rosa Díaz');
  });

  it('formats the interview time as typed (wall clock, stored in UTC)', () => {
    expect(formatInterviewAt(new Date('2026-12-01T14:30:00Z'))).toBe('Tuesday 1 December 2026 at 14:30');
    expect(formatInterviewAt(null)).toBe('');
    expect(sampleValues('Juniper', 'Demo Rescue')).toMatchObject({ dog_name: 'Juniper', rescue_name: 'Demo Rescue', applicant_name: 'Alex Example' });
  });
});
