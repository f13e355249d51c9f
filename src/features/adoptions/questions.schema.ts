import { z } from 'zod';
import type { QuestionKind } from '../../platform/db/schema.js';

/** The kinds of question with their labels. */
export const questionKindChoices: { value: QuestionKind; label: string }[] = [
  { value: 'text', label: 'Free text' },
  { value: 'choice', label: 'Choice from a list' },
  { value: 'yes_no', label: 'Yes or no' },
];

/** The add and edit form of an application question; choices are typed one per line. */
export const questionFormSchema = z
  .object({
    label: z.string({ message: 'is required' }).trim().min(1, 'is required').max(300, 'must be at most 300 characters'),
    kind: z.enum(['text', 'choice', 'yes_no'], { message: 'must be free text, a choice or yes/no' }),
    choices: z.string().default('').transform((v) => [...new Set(v.split(/\r?\n/).map((c) => c.trim()).filter(Boolean))]),
    required: z.literal('yes').optional().transform((v) => v === 'yes'),
  })
  .superRefine((q, ctx) => {
    if (q.kind === 'choice' && q.choices.length < 2) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a choice question needs at least 2 options, one per line' });
    if (q.choices.length > 20) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'can list at most 20 options' });
    if (q.choices.some((c) => c.length > 200)) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'each option must be at most 200 characters' });
  })
  .transform((q) => ({ ...q, choices: q.kind === 'choice' ? q.choices : [] }));
/** A question as the form gives it. */
export type QuestionForm = z.infer<typeof questionFormSchema>;

/** Moving a question one place up or down. */
export const moveSchema = z.object({ direction: z.enum(['up', 'down'], { message: 'must be up or down' }) });

/** Turning a question on or off. */
export const activeSchema = z.object({ active: z.enum(['yes', 'no'], { message: 'must be yes or no' }) });

/** A question id in the URL. */
export const questionIdParamsSchema = z.object({ id: z.uuid() });
