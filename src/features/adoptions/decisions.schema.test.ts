import { describe, expect, it } from 'vitest';
import { decisionSchemaFor, parseWallClock } from './decisions.schema.js';
import { formatInterviewAt } from './templates.render.js';

describe('an interview time typed on the rescue\'s wall clock', () => {
  it('is read in the rescue\'s time zone and shown back the same in its email', () => {
    const at = parseWallClock('2030-05-14T10:30', 'Pacific/Auckland')!;
    expect(at.toISOString()).toBe('2030-05-13T22:30:00.000Z');
    expect(formatInterviewAt(at, 'Pacific/Auckland')).toBe('Tuesday 14 May 2030 at 10:30');
    expect(parseWallClock('2030-05-14T10:30')!.toISOString()).toBe('2030-05-14T10:30:00.000Z');
  });

  it('refuses dates and times that do not exist', () => {
    for (const bad of ['2030-02-30T10:00', '2030-05-14T24:00', '2030-05-14T10:60', '14/05/2030 10:30']) expect(parseWallClock(bad, 'Europe/Berlin'), bad).toBeUndefined();
  });

  it('gives the decision its interview instant in the rescue\'s zone', () => {
    const parsed = decisionSchemaFor('Europe/Berlin').parse({ action: 'interview', expected: 'new', interview_at: '2030-07-01T09:00' });
    expect(parsed.interviewAt?.toISOString()).toBe('2030-07-01T07:00:00.000Z');
  });
});
