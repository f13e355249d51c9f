import { describe, expect, it } from 'vitest';
import type { DogStatus } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { statusChoices, valuesOf } from './dogs.fields.js';
import { allowedTransitions, applicationOnlyStatuses, assertManualStatus, assertTransition, isOpen, manualNextStatuses, nextStatuses, reasonRequired, statusLabel } from './dogs.lifecycle.js';

const statuses = valuesOf(statusChoices);

function refusal(from: DogStatus, to: DogStatus, reason = 'because'): KonaError {
  try {
    assertTransition(from, to, reason);
  } catch (err) {
    return err as KonaError;
  }
  throw new Error(`${from} → ${to} was allowed`);
}

describe('dog status lifecycle', () => {
  it('covers every status, and every target is a status', () => {
    expect(Object.keys(allowedTransitions).sort()).toEqual([...statuses].sort());
    for (const targets of Object.values(allowedTransitions)) for (const t of targets) expect(statuses).toContain(t);
  });

  it.each(statuses.flatMap((from) => statuses.map((to) => [from, to] as const)))('%s → %s follows the table', (from, to) => {
    if (allowedTransitions[from].includes(to)) {
      expect(() => assertTransition(from, to, 'a reason')).not.toThrow();
    } else {
      const err = refusal(from, to);
      expect(err.code).toBe('KONA_ERR_CONFLICT');
      expect(err.status).toBe(409);
    }
  });

  it('names the allowed next statuses when it refuses', () => {
    expect(refusal('intake', 'adopted').message).toBe(
      'A dog that is intake cannot become adopted. Allowed next: medical hold, available, transferred out, deceased.',
    );
    expect(refusal('adopted', 'available').message).toContain('Allowed next: returned.');
    expect(refusal('available', 'available').message).toBe('The dog is already available.');
  });

  it('has no "in foster" status any more (where a dog is is apart), yet still names it in old history', () => {
    expect(statuses).not.toContain('in_foster');
    expect(statuses).toEqual(['intake', 'medical_hold', 'available', 'adoption_pending', 'adopted', 'returned', 'transferred_out', 'deceased']);
    expect(statusLabel('in_foster')).toBe('In foster');
  });

  it('treats deceased as final', () => {
    expect(nextStatuses('deceased')).toEqual([]);
    expect(refusal('deceased', 'intake').message).toBe('Deceased is final: the status cannot change any more.');
  });

  it('needs a reason for deceased, transferred out and returned', () => {
    expect([...reasonRequired].sort()).toEqual(['deceased', 'returned', 'transferred_out']);
    const err = refusal('adopted', 'returned', '   ');
    expect(err.code).toBe('KONA_ERR_VALIDATION');
    expect(err.options.fields).toEqual({ reason: 'is required for this status' });
    expect(() => assertTransition('available', 'medical_hold', '')).not.toThrow();
  });

  it('leaves adoption pending and adopted to the adoption application: the plain form neither offers nor accepts them', () => {
    expect([...applicationOnlyStatuses].sort()).toEqual(['adopted', 'adoption_pending']);
    expect(manualNextStatuses('available')).toEqual(['medical_hold', 'transferred_out', 'deceased']);
    // While an approved application holds the dog, only the application moves it on.
    expect(manualNextStatuses('adoption_pending')).toEqual([]);
    let held: KonaError | undefined;
    try {
      assertManualStatus('available', 'adoption_pending');
    } catch (e) {
      held = e as KonaError;
    }
    expect(held?.status).toBe(409);
    expect(held?.message).toContain('withdraw or deny that application');
    for (const to of ['adoption_pending', 'adopted'] as const) {
      let err: KonaError | undefined;
      try {
        assertManualStatus(to);
      } catch (e) {
        err = e as KonaError;
      }
      expect(err?.status, to).toBe(400);
      expect(err?.message, to).toContain('Applications');
    }
    expect(() => assertManualStatus('medical_hold')).not.toThrow();
  });

  it('reopens a record when an adopted dog is returned', () => {
    expect(isOpen('adopted')).toBe(false);
    expect(nextStatuses('adopted')).toEqual(['returned']);
    expect(isOpen('returned')).toBe(true);
    expect(nextStatuses('returned')).toEqual(expect.arrayContaining(['intake', 'medical_hold', 'available']));
  });
});
