import { describe, expect, it } from 'vitest';
import { adoptability, type AdoptabilityFacts } from './dogs.adoptability.js';

const ready: AdoptabilityFacts = { status: 'available', onHold: false, publicDescription: 'A gentle senior who loves naps.' };

describe('adoptability (computed, never stored)', () => {
  it('is adoptable when available, not on hold, with an approved photo and a public description', () => {
    expect(adoptability(ready, { approvedPhotoCount: 1 })).toEqual({ adoptable: true, missing: [] });
  });

  it('says a photo is missing when none is approved', () => {
    expect(adoptability(ready, { approvedPhotoCount: 0 })).toEqual({ adoptable: false, missing: ['needs an approved photo'] });
  });

  it('says the description is missing when it is blank', () => {
    expect(adoptability({ ...ready, publicDescription: '  \n ' }, { approvedPhotoCount: 2 }).missing).toEqual(['needs a public description']);
  });

  it('is not adoptable on hold', () => {
    expect(adoptability({ ...ready, onHold: true }, { approvedPhotoCount: 1 }).missing).toEqual(['is on hold: lift the hold']);
  });

  it.each(['intake', 'medical_hold', 'adoption_pending', 'adopted', 'returned'] as const)('is not adoptable while %s', (status) => {
    const result = adoptability({ ...ready, status }, { approvedPhotoCount: 1 });
    expect(result.adoptable).toBe(false);
    expect(result.missing).toHaveLength(1);
    expect(result.missing[0]).toMatch(/^needs the status "Available"/);
  });

  it('lists everything that is missing at once', () => {
    const result = adoptability({ status: 'intake', onHold: true, publicDescription: '' }, { approvedPhotoCount: 0 });
    expect(result).toEqual({
      adoptable: false,
      missing: ['needs the status "Available" (it is "Intake")', 'is on hold: lift the hold', 'needs an approved photo', 'needs a public description'],
    });
  });
});
