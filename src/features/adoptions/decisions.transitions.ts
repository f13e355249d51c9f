import type { ApplicationStatus } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';

/** What staff can do to an application from its page. `complete` has its own command (it adopts the dog). */
export type DecisionAction = 'review' | 'interview' | 'approve' | 'deny' | 'withdraw' | 'reopen' | 'complete';

/** One action: where it may start, where it leads and what it needs. */
export interface ActionRule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  label: string;
  /** The form needs an interview date and time. */
  needsInterviewAt?: boolean;
  /** The form needs a reason (kept encrypted, sent to the applicant through `{{reason}}`). */
  needsReason?: boolean;
}

/**
 * The one table of application status changes; everything else is refused. `closed` (another
 * applicant adopted the dog) and `completed` are reached only through completing an adoption.
 */
export const actionRules: Readonly<Record<DecisionAction, ActionRule>> = {
  review: { from: ['new'], to: 'in_review', label: 'Start review' },
  interview: { from: ['new', 'in_review', 'interview_scheduled'], to: 'interview_scheduled', label: 'Schedule interview', needsInterviewAt: true },
  approve: { from: ['in_review', 'interview_scheduled'], to: 'approved', label: 'Approve' },
  deny: { from: ['new', 'in_review', 'interview_scheduled', 'approved'], to: 'denied', label: 'Deny', needsReason: true },
  withdraw: { from: ['new', 'in_review', 'interview_scheduled', 'approved'], to: 'withdrawn', label: 'Mark as withdrawn by the applicant' },
  reopen: { from: ['denied', 'withdrawn'], to: 'in_review', label: 'Reopen for review' },
  complete: { from: ['approved'], to: 'completed', label: 'Complete the adoption' },
};

/** The order actions appear in on the page: the way forward first (once approved: completing), denying and withdrawing after it. */
export const actionOrder: readonly DecisionAction[] = ['review', 'interview', 'approve', 'complete', 'deny', 'withdraw', 'reopen'];

/** Applications still waiting for a decision or an adoption: the inbox shows these by default. */
export const openStatuses: readonly ApplicationStatus[] = ['new', 'in_review', 'interview_scheduled', 'approved'];

/** Every status, in the order an application moves through them. */
export const allStatuses: readonly ApplicationStatus[] = ['new', 'in_review', 'interview_scheduled', 'approved', 'denied', 'withdrawn', 'closed', 'completed'];

const labels: Record<ApplicationStatus, string> = {
  new: 'New', in_review: 'In review', interview_scheduled: 'Interview scheduled', approved: 'Approved',
  denied: 'Denied', withdrawn: 'Withdrawn', closed: 'Closed (dog adopted by another applicant)', completed: 'Completed (adopted)',
};

/** A status as people read it ("Interview scheduled"). */
export function applicationStatusLabel(status: ApplicationStatus): string {
  return labels[status];
}

/** Whether a value is an application status. */
export function isApplicationStatus(value: unknown): value is ApplicationStatus {
  return typeof value === 'string' && (allStatuses as readonly string[]).includes(value);
}

/** The actions allowed from a status, in page order. */
export function allowedActions(from: ApplicationStatus): DecisionAction[] {
  return actionOrder.filter((a) => actionRules[a].from.includes(from));
}

/**
 * Refuses an action the table does not allow from the status the application is in now (409,
 * naming the current status and what is possible) and returns the status it leads to.
 */
export function assertAction(from: ApplicationStatus, action: DecisionAction): ApplicationStatus {
  const rule = actionRules[action];
  if (rule.from.includes(from)) return rule.to;
  const options = allowedActions(from).map((a) => actionRules[a].label.toLowerCase());
  const next = options.length === 0 ? 'Nothing more can be done with it.' : `Possible now: ${options.join(', ')}.`;
  throw new KonaError('KONA_ERR_CONFLICT', `This application is ${labels[from].toLowerCase()}, so "${rule.label}" is not possible. ${next}`, { fields: { action: 'is not possible from the current status' } });
}
