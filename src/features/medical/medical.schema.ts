import { z } from 'zod';
import { pastDateSchema } from '../dogs/dogs.schema.js';
import { isIsoDate } from '../dogs/dogs.values.js';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).default('');
const required = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const dateSchema = z.string().trim().refine(isIsoDate, 'must be a date like 2024-05-31');
// An empty field means "none"; anything typed must be a real date.
const optionalDate = z
  .string()
  .trim()
  .default('')
  .refine((v) => v === '' || isIsoDate(v), 'must be a date like 2024-05-31, or left empty')
  .transform((v) => v || null);

/** The add-a-vaccination form. `due_on` is when the next dose is due. */
export const vaccinationSchema = z
  .object({
    type: z.enum(['rabies', 'dhpp', 'leptospirosis', 'bordetella', 'other'], { message: 'choose a vaccine' }),
    label: text(120),
    given_on: pastDateSchema,
    due_on: optionalDate,
    given_by: text(200),
    notes: text(2000),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'other' && v.label === '') ctx.addIssue({ code: 'custom', path: ['label'], message: 'name the vaccine when the type is other' });
    if (v.due_on && v.due_on <= v.given_on) ctx.addIssue({ code: 'custom', path: ['due_on'], message: 'must be after the date given' });
  });

/** The add-a-treatment form (a treatment or a medication with its schedule). */
export const treatmentSchema = z
  .object({
    kind: z.enum(['treatment', 'medication'], { message: 'choose treatment or medication' }),
    name: required(200),
    dose: text(200),
    schedule: text(200),
    starts_on: dateSchema,
    ends_on: optionalDate,
    next_due_on: optionalDate,
    notes: text(2000),
  })
  .superRefine((v, ctx) => {
    if (v.ends_on && v.ends_on < v.starts_on) ctx.addIssue({ code: 'custom', path: ['ends_on'], message: 'cannot be before the start date' });
    if (v.next_due_on && v.next_due_on < v.starts_on) ctx.addIssue({ code: 'custom', path: ['next_due_on'], message: 'cannot be before the start date' });
  });

/** The add-a-vet-visit form. */
export const visitSchema = z.object({
  clinic: required(200),
  visit_on: pastDateSchema,
  reason: required(1000),
  outcome: text(5000),
});

/** A vaccination as the form gives it to the service. */
export type VaccinationInput = z.output<typeof vaccinationSchema>;
/** A treatment as the form gives it to the service. */
export type TreatmentInput = z.output<typeof treatmentSchema>;
/** A vet visit as the form gives it to the service. */
export type VisitInput = z.output<typeof visitSchema>;

/** A dog's id and one of its medical entries' id in a URL; anything else is a 404. */
export const entryParamsSchema = z.object({ id: z.uuid(), entryId: z.uuid() });
