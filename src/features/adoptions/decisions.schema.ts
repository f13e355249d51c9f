import { z } from 'zod';
import type { ApplicationStatus, FeeMethod } from '../../platform/db/schema.js';
import { instantOfWallClock } from '../../platform/locale/index.js';
import { parseMoney } from '../dogs/dogs.public.js';
import { feeMethods } from './decisions.fees.js';
import { actionRules, allStatuses, type DecisionAction } from './decisions.transitions.js';

const uuid = z.uuid({ message: 'must be an id' });

/** The application id in the URL. */
export const applicationParamsSchema = z.object({ id: uuid });

/** A ticked checkbox arrives as 'yes'; an unticked one does not arrive at all. */
const checkbox = z.string().optional().transform((v) => v === 'yes');

// Typed in the browser's date-time field (no time zone): read as the rescue's wall clock.
const wallClock = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A date-time field's value as an instant (the wall clock in the rescue's zone), or undefined when it is not a real date and time. */
export function parseWallClock(value: string, timeZone = 'UTC'): Date | undefined {
  const m = wallClock.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h >= 24 || mi >= 60 || s >= 60) return undefined;
  return instantOfWallClock({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, timeZone);
}

/** What happens to the bonded partner of the dog: adopted together (the default) or it stays listed alone. */
const partnerChoice = z.enum(['together', 'stays'], { message: 'choose what happens to the bonded partner' }).default('together');

/** A status change from the detail page, with the interview time read in the rescue's time zone. */
export const decisionSchemaFor = (timeZone: string) => z.object({
  action: z.enum(Object.keys(actionRules) as [DecisionAction, ...DecisionAction[]], { message: 'must be one of the actions on the page' }),
  expected: z.enum(allStatuses as [ApplicationStatus, ...ApplicationStatus[]], { message: 'is missing: reload the page' }),
  interview_at: z.string().trim().default(''),
  reason: z.string().trim().max(2000, 'must be at most 2,000 characters').default(''),
  email: checkbox,
  email_others: checkbox,
  partner: partnerChoice,
}).superRefine((v, ctx) => {
  const rule = actionRules[v.action];
  if (rule.needsInterviewAt) {
    const at = parseWallClock(v.interview_at, timeZone);
    if (v.interview_at === '') ctx.addIssue({ code: 'custom', path: ['interview_at'], message: 'is required: give the interview date and time' });
    else if (!at) ctx.addIssue({ code: 'custom', path: ['interview_at'], message: 'must be a date and time like 2030-05-14 10:30' });
    // A day of slack: the time is the rescue's wall clock, which may be ahead of UTC.
    else if (at.getTime() < Date.now() - 86_400_000) ctx.addIssue({ code: 'custom', path: ['interview_at'], message: 'must not be in the past' });
  }
  if (rule.needsReason && v.reason === '') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required: say why (the applicant is told)' });
}).transform((v) => ({ ...v, interviewAt: actionRules[v.action].needsInterviewAt ? parseWallClock(v.interview_at, timeZone)! : undefined }));

/** A status change with times read in UTC. */
export const decisionSchema = decisionSchemaFor('UTC');

/** A parsed status change. */
export type Decision = z.infer<typeof decisionSchema>;

/** A receipt number as staff type it: letters, digits and a few separators. */
export const receiptNumberPattern = /^[A-Za-z0-9][A-Za-z0-9 ._/#-]*$/;

/**
 * Completing the adoption: the status the page showed, the fee record (amount, method, receipt
 * number), the contract override and its reason when the adopter has not signed, what happens to a
 * bonded partner, and whom to email.
 */
export const completeSchema = z.object({
  expected: z.enum(allStatuses as [ApplicationStatus, ...ApplicationStatus[]], { message: 'is missing: reload the page' }),
  fee: z.string().trim().default(''),
  fee_method: z.enum(feeMethods as [FeeMethod, ...FeeMethod[]], { message: 'choose how the fee was paid' }),
  receipt_number: z.string().trim().min(1, 'is required: give the receipt number').max(40, 'must be at most 40 characters')
    .regex(receiptNumberPattern, 'may hold only letters, digits, spaces and . _ / # -'),
  contract_override: checkbox,
  override_reason: z.string().trim().max(1000, 'must be at most 1,000 characters').default(''),
  partner: partnerChoice,
  email: checkbox,
  email_receipt: checkbox,
  email_others: checkbox,
}).superRefine((v, ctx) => {
  const cents = v.fee === '' && v.fee_method === 'waived' ? 0 : parseMoney(v.fee);
  if (cents === undefined) ctx.addIssue({ code: 'custom', path: ['fee'], message: v.fee === '' ? 'is required: give the amount taken' : 'must be an amount like 150 or 150.00' });
  else if (v.fee_method === 'waived' && cents !== 0) ctx.addIssue({ code: 'custom', path: ['fee'], message: 'must be 0 when the fee is waived' });
  else if (v.fee_method !== 'waived' && cents === 0) ctx.addIssue({ code: 'custom', path: ['fee'], message: 'is 0: choose "Waived" as the method when no fee was taken' });
  if (v.contract_override && v.override_reason === '') ctx.addIssue({ code: 'custom', path: ['override_reason'], message: 'is required: say why the adoption completes without a signed contract' });
}).transform((v) => ({ ...v, feeCents: v.fee === '' ? 0 : parseMoney(v.fee)! }));

/** A parsed completion form. */
export type CompletionForm = z.infer<typeof completeSchema>;

/** A staff note on an application. */
export const noteSchema = z.object({
  note: z.string().trim().min(1, 'is required: write the note').max(5000, 'must be at most 5,000 characters'),
});

/** The inbox's filters and page, from the query string; anything unknown falls back to the default. */
export const inboxQuerySchema = z.object({
  status: z.enum(['', 'open', 'all', ...allStatuses] as [string, ...string[]]).catch('').default(''),
  dog: z.union([uuid, z.literal('')]).catch('').default(''),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

/** The inbox's parsed query. */
export type InboxQuery = z.infer<typeof inboxQuerySchema>;
