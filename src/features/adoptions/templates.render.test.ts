import { describe, expect, it } from 'vitest';
import { unknownPlaceholders } from '../../platform/templates/placeholders.js';
import { formatInterviewAt, placeholders, renderTemplate, sampleValues } from './templates.render.js';

const values = { applicant_name: 'Rosa Díaz', dog_name: 'Biscuit', rescue_name: 'Paws Rescue', interview_at: 'Friday', reason: 'No garden.' };

describe('adoption email templates', () => {
  it('fills every placeholder of the email list, with or without spaces inside the braces', () => {
    const body = 'Hi {{applicant_name}}, {{ dog_name }} says hello from {{rescue_name}}. {{reason}} {{interview_at}}';
    expect(renderTemplate({ subject: 'S', body }, values).text).toBe('Hi Rosa Díaz, Biscuit says hello from Paws Rescue. No garden. Friday');
  });

  it('names placeholders outside the email list, and leaves them as typed when filling', () => {
    expect(unknownPlaceholders(placeholders, '{{dog}} {{ applicant }} {{dog}} {{dog_name}} {{fee}} {{constructor}}')).toEqual(['dog', 'applicant', 'fee', 'constructor']);
    expect(renderTemplate({ subject: '{{dog}} {{dog_name}}', body: '{{constructor}}' }, values)).toEqual({ subject: '{{dog}} Biscuit', text: '{{constructor}}' });
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
