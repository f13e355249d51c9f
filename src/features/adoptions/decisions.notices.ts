import { actionRules, applicationStatusLabel, type DecisionAction } from './decisions.transitions.js';

const mailNotices: Record<string, string> = {
  queued: 'The applicant was emailed.',
  off: 'No email was sent: that email template is switched off.',
  'no-address': 'No email was sent: the applicant left no email address.',
  'not-asked': 'No email was sent, as you chose.',
};

const receiptNotices: Record<string, string> = {
  queued: 'The receipt was emailed to the adopter.',
  'no-address': 'No receipt was emailed: the adopter left no email address.',
  'not-asked': 'No receipt was emailed, as you chose.',
};

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The notice after a change, from the redirect's query (`done`, `mail`, `receipt`, `closed`, `told`, `partner`). */
export function doneNotice(query: Record<string, string | undefined>): string | undefined {
  const mail = query.mail ? (mailNotices[query.mail] ?? '') : '';
  if (query.done === 'note') return 'The note was added to the history.';
  if (query.done === 'complete') {
    const closed = Number(query.closed ?? 0) || 0;
    const told = Number(query.told ?? 0) || 0;
    const others = closed === 0 ? 'There were no other open applications.' : `${count(closed, 'other open application was', 'other open applications were')} closed and ${count(told, 'applicant', 'applicants')} emailed.`;
    const partner = query.partner === 'together' ? ' Its bonded partner was adopted together with it.' : '';
    const receipt = query.receipt ? (receiptNotices[query.receipt] ?? '') : '';
    return `The adoption is complete: the dog is now adopted.${partner} ${others} ${mail} ${receipt}`.replace(/\s+/g, ' ').trim();
  }
  const action = query.done as DecisionAction | undefined;
  if (!action || !(action in actionRules)) return undefined;
  return `Done: the application is now ${applicationStatusLabel(actionRules[action].to).toLowerCase()}. ${mail}`.trim();
}
