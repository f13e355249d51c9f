import { describe, expect, it } from 'vitest';
import { KonaError } from '../../platform/errors/errors.js';
import { actionRules, allowedActions, allStatuses, assertAction, openStatuses, type DecisionAction } from './decisions.transitions.js';

describe('application status transitions', () => {
  it('allows the expected actions from each status', () => {
    expect(allowedActions('new')).toEqual(['review', 'interview', 'deny', 'withdraw']);
    expect(allowedActions('in_review')).toEqual(['interview', 'approve', 'deny', 'withdraw']);
    expect(allowedActions('interview_scheduled')).toEqual(['interview', 'approve', 'deny', 'withdraw']);
    expect(allowedActions('approved')).toEqual(['complete', 'deny', 'withdraw']);
    expect(allowedActions('denied')).toEqual(['reopen']);
    expect(allowedActions('withdrawn')).toEqual(['reopen']);
    expect(allowedActions('closed')).toEqual([]);
    expect(allowedActions('completed')).toEqual([]);
  });

  it('returns where an allowed action leads', () => {
    expect(assertAction('new', 'review')).toBe('in_review');
    expect(assertAction('in_review', 'interview')).toBe('interview_scheduled');
    expect(assertAction('interview_scheduled', 'approve')).toBe('approved');
    expect(assertAction('approved', 'complete')).toBe('completed');
    expect(assertAction('withdrawn', 'reopen')).toBe('in_review');
  });

  it('refuses other actions with a 409 that names the status and what is possible', () => {
    const refused = (from: (typeof allStatuses)[number], action: DecisionAction) => {
      try {
        assertAction(from, action);
      } catch (err) {
        return err as KonaError;
      }
      throw new Error(`${action} from ${from} was allowed`);
    };
    const err = refused('new', 'approve');
    expect(err.status).toBe(409);
    expect(err.code).toBe('KONA_ERR_CONFLICT');
    expect(err.message).toBe('This application is new, so "Approve" is not possible. Possible now: start review, schedule interview, deny, mark as withdrawn by the applicant.');
    expect(refused('completed', 'reopen').message).toContain('Nothing more can be done with it.');
    expect(refused('in_review', 'complete').message).toContain('"Complete the adoption" is not possible');
    expect(refused('closed', 'review').status).toBe(409);
  });

  it('never leads into new or closed, and only complete leads to completed', () => {
    const targets = Object.entries(actionRules).map(([a, r]) => [a, r.to]);
    expect(targets.filter(([, to]) => to === 'new' || to === 'closed')).toEqual([]);
    expect(targets.filter(([, to]) => to === 'completed')).toEqual([['complete', 'completed']]);
    expect(openStatuses).toEqual(['new', 'in_review', 'interview_scheduled', 'approved']);
  });
});
