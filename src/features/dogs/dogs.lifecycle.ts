import type { DogStatus, HistoryStatus } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { labelOf, statusChoices } from './dogs.fields.js';

/**
 * The one table of status changes a rescue may make. Everything else is refused. A return after
 * adoption reopens the record: `returned` leads back into care like a new intake. Where the dog is
 * (a foster home, boarding, a vet) is not a status: see `whereabouts` (migration 0013).
 */
export const allowedTransitions: Readonly<Record<DogStatus, readonly DogStatus[]>> = {
  intake: ['medical_hold', 'available', 'transferred_out', 'deceased'],
  medical_hold: ['available', 'transferred_out', 'deceased'],
  available: ['medical_hold', 'adoption_pending', 'transferred_out', 'deceased'],
  adoption_pending: ['available', 'adopted', 'medical_hold', 'deceased'],
  adopted: ['returned'],
  returned: ['intake', 'medical_hold', 'available', 'transferred_out', 'deceased'],
  transferred_out: ['intake'],
  deceased: [],
};

/** Changes into these need a reason in the history: they end or undo a dog's time with the rescue. */
export const reasonRequired: ReadonlySet<DogStatus> = new Set(['deceased', 'transferred_out', 'returned']);

/** Statuses of dogs no longer in the rescue's care; their records are closed until a return reopens them. */
export const closedStatuses: ReadonlySet<DogStatus> = new Set(['adopted', 'transferred_out', 'deceased']);

/**
 * Statuses only an adoption application sets: approving it holds the dog (adoption pending),
 * completing it (fee, contract) adopts the dog with its adopter recorded and the other applicants told.
 */
export const applicationOnlyStatuses: ReadonlySet<DogStatus> = new Set(['adoption_pending', 'adopted']);

/** The status a newly taken-in dog starts with. */
export const initialStatus: DogStatus = 'intake';

/** The statuses a dog in `from` may move to next. */
export function nextStatuses(from: DogStatus): readonly DogStatus[] {
  return allowedTransitions[from];
}

/**
 * The statuses the plain status form offers from `from`: the allowed ones an application does not
 * set, and none while an approved application holds the dog (adoption pending): only that
 * application moves it on, so it is never left approved for a dog that is available again.
 */
export function manualNextStatuses(from: DogStatus): readonly DogStatus[] {
  if (from === 'adoption_pending') return [];
  return nextStatuses(from).filter((s) => !applicationOnlyStatuses.has(s));
}

/** What the dog page says instead of the status form while an approved application holds the dog. */
export const heldByApplication = 'An approved application holds this dog. To free it, withdraw or deny that application on its page under Applications (the dog becomes available again); to finish, complete the adoption there.';

/**
 * Refuses a plain status change the adoption application owns: into adoption pending or adopted
 * (400, saying where to go instead), or out of adoption pending (409: the approved application
 * holding the dog decides).
 */
export function assertManualStatus(to: DogStatus, from?: DogStatus): void {
  if (from === 'adoption_pending') {
    throw new KonaError('KONA_ERR_CONFLICT', heldByApplication);
  }
  if (!applicationOnlyStatuses.has(to)) return;
  const how = to === 'adopted'
    ? 'complete the approved application (with the fee and the signed contract) on its page under Applications'
    : 'approve an application for the dog on its page under Applications';
  throw new KonaError('KONA_ERR_VALIDATION', `${statusLabel(to)} is set by an adoption application, not by this form: ${how}. That records the adopter and tells the other applicants.`, {
    fields: { to: 'is set by an adoption application: use the application' },
  });
}

/** Whether a dog in this status is still in the rescue's care. */
export function isOpen(status: DogStatus): boolean {
  return !closedStatuses.has(status);
}

/** The status's label ("Medical hold"); also names 'in_foster', retired by 0013, which old history rows hold. */
export function statusLabel(status: HistoryStatus): string {
  return status === 'in_foster' ? 'In foster' : labelOf(statusChoices, status);
}

/** Refuses a change the table does not allow (409 naming what is allowed) or one missing its reason (400). */
export function assertTransition(from: DogStatus, to: DogStatus, reason: string): void {
  const allowed = nextStatuses(from);
  if (!allowed.includes(to)) {
    const options = allowed.map((s) => statusLabel(s).toLowerCase());
    const message = from === to
      ? `The dog is already ${statusLabel(from).toLowerCase()}.`
      : options.length === 0
        ? `${statusLabel(from)} is final: the status cannot change any more.`
        : `A dog that is ${statusLabel(from).toLowerCase()} cannot become ${statusLabel(to).toLowerCase()}. Allowed next: ${options.join(', ')}.`;
    throw new KonaError('KONA_ERR_CONFLICT', message, { fields: { to: 'is not allowed from the current status' } });
  }
  if (reasonRequired.has(to) && reason.trim() === '') {
    throw new KonaError('KONA_ERR_VALIDATION', `Give a reason when a dog becomes ${statusLabel(to).toLowerCase()}.`, { fields: { reason: 'is required for this status' } });
  }
}
