import { z } from 'zod';
import { optionalEmailSchema, optionalPhoneSchema, personNameSchema } from '../people/people.public.js';
import type { Question } from './questions.service.js';

/** The form field of a question's answer. */
export const answerField = (questionId: string) => `q_${questionId}`;

function answerSchema(q: Question): z.ZodType<string> {
  const base = z.string().trim().default('');
  const need = (s: z.ZodType<string>) => (q.required ? s.refine((v) => v !== '', q.kind === 'text' ? 'needs an answer' : 'choose an answer') : s);
  if (q.kind === 'text') return need(base.pipe(z.string().max(5000, 'must be at most 5000 characters')));
  const allowed = q.kind === 'yes_no' ? ['yes', 'no'] : q.choices;
  return need(base.refine((v) => v === '' || allowed.includes(v), 'choose one of the options given'));
}

/**
 * The public application form's schema: the applicant's details and one field per active
 * question. The idempotency key is checked apart (a bad one is replaced, not reported).
 */
export function applicationSchema(questions: Question[]) {
  const answers = Object.fromEntries(questions.map((q) => [answerField(q.id), answerSchema(q)]));
  return z.object({
    name: personNameSchema,
    email: optionalEmailSchema.refine((v) => v !== '', 'is required, so we can reply to you'),
    phone: optionalPhoneSchema,
    address: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
    ...answers,
  });
}

/** The hidden idempotency key the form carries (made when the form is shown). */
export const idempotencyKeySchema = z.object({ idempotency_key: z.uuid() });

/** The dog id in the URL. */
export const applyParamsSchema = z.object({ id: z.uuid() });

/** The confirmation page's URL parts. */
export const receivedParamsSchema = z.object({ id: z.uuid() });
/** The confirmation page's key (the form's idempotency key: only the applicant has it). */
export const receivedQuerySchema = z.object({ key: z.uuid() });
