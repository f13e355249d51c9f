/**
 * The form of a review concern: a label and its phrase rules, one per line. Each line is checked
 * as a rule (screening/rules.ts) and the whole as a concern (no protected characteristic), and an
 * error names the line.
 */
import { z } from 'zod';
import { namesProtectedCharacteristic } from './screening/protected.js';
import { phraseSchema } from './screening/rules.js';

/** The add and edit form. */
export const concernFormSchema = z.object({
  label: z.string().trim().min(3, 'Give the concern a name of at least 3 characters.').max(120, 'A concern\'s name is at most 120 characters.'),
  rules: z.string().max(4000, 'The rules are at most 4,000 characters.').default(''),
}).transform((f, ctx) => {
  const lines = f.rules.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length > 40) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'A concern has at most 40 rules.' });
  const rules: string[] = [];
  lines.forEach((line, i) => {
    const r = phraseSchema.safeParse(line);
    if (!r.success) ctx.addIssue({ code: 'custom', path: ['rules'], message: `Line ${i + 1} (“${line.slice(0, 40)}”): ${r.error.issues[0]?.message ?? 'not a rule'}.` });
    else if (!rules.includes(r.data)) rules.push(r.data);
  });
  const namedInLabel = namesProtectedCharacteristic(f.label);
  if (namedInLabel) ctx.addIssue({ code: 'custom', path: ['label'], message: `A concern cannot be about ${namedInLabel}: it is a protected characteristic.` });
  rules.forEach((r) => {
    const n = namesProtectedCharacteristic(r);
    if (n) ctx.addIssue({ code: 'custom', path: ['rules'], message: `The rule “${r}” is about ${n}, a protected characteristic.` });
  });
  return { label: f.label, rules };
});

/** A concern as the form gives it. */
export type ConcernForm = z.output<typeof concernFormSchema>;

/** Turning a concern on or off. */
export const concernActiveSchema = z.object({ active: z.enum(['yes', 'no']) });

/** A concern id in the URL. */
export const concernIdParamsSchema = z.object({ id: z.uuid() });
