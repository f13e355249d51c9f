import { z } from 'zod';
import { pastDateSchema } from '../dogs/dogs.public.js';
import { isIsoDate } from '../dogs/dogs.public.js';

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
    // How often it repeats, in whole units; empty for a one-off.
    repeat_every: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || (/^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= 1000), 'must be a whole number from 1 to 1000, or left empty')
      .transform((v) => (v === '' ? null : Number(v))),
    repeat_unit: z
      .enum(['', 'day', 'week', 'month', 'year'], { message: 'choose days, weeks, months or years' })
      .default('')
      .transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    if (v.repeat_every !== null && v.repeat_unit === null) ctx.addIssue({ code: 'custom', path: ['repeat_unit'], message: 'choose days, weeks, months or years' });
    if (v.repeat_every === null && v.repeat_unit !== null) ctx.addIssue({ code: 'custom', path: ['repeat_every'], message: 'say how many, or clear the unit' });
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

/** The "record booster given" form of a vaccination. */
export const boosterSchema = z.object({ given_on: pastDateSchema, given_by: text(200) });

/** The "record dose given" form of a treatment. */
export const doseSchema = z.object({ given_on: pastDateSchema });

/** A booster or dose as its form gives it. */
export type BoosterInput = z.output<typeof boosterSchema>;

/** The fields sent with a document upload: a title (the file's name when empty) and what it is attached to. */
export const documentFormSchema = z.object({
  title: text(200),
  link: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || /^(vaccination|treatment|visit):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v), 'choose one of the listed entries'),
});

/** The upload's fields as the service takes them. */
export type DocumentFormInput = z.output<typeof documentFormSchema>;

/** A document's id in a URL, with its dog's. */
export const documentParamsSchema = z.object({ id: z.uuid(), documentId: z.uuid() });

/** The delete form of a photo or document: the box saying "yes, delete it" must be ticked. */
export const confirmDeleteSchema = z.object({ confirm: z.literal('yes', { message: 'tick the box to confirm the deletion' }) });
