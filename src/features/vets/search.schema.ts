/** The vet's search form: the details that may go with a photo. Nothing here is stored. */
import { z } from 'zod';
import { normaliseMicrochip } from './vets.keys.js';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).default('');

/** The search's details as typed (the photo comes as a file beside them). */
export const vetSearchSchema = z.object({
  microchip: z.string().trim().max(40, 'must be at most 40 characters').default('')
    .refine((v) => v === '' || /^[\d\s.-]+$/.test(v), 'must be the chip\u2019s digits (spaces and dashes are fine)')
    .transform(normaliseMicrochip)
    .refine((v) => v === '' || (v.length >= 9 && v.length <= 15), 'must have 9 to 15 digits'),
  // At least three letters: a one-letter "breed" would list most of a rescue's dogs.
  breed: text(100).refine((v) => v === '' || v.replace(/[^\p{L}]/gu, '').length >= 3, 'must be at least three letters of a breed, like "collie"'),
  sex: z.enum(['', 'male', 'female'], { message: 'must be male, female or not sure' }).default(''),
  age: z.string().trim().default('')
    .refine((v) => v === '' || (/^\d{1,2}(\.\d)?$/.test(v) && Number(v) <= 30), 'must be a number of years from 0 to 30, like 3 or 0.5'),
  area: text(120),
});

/** A checked search. */
export type VetSearchValues = z.infer<typeof vetSearchSchema>;

/** The text fields the form sends. */
export const vetSearchFields = ['microchip', 'breed', 'sex', 'age', 'area'] as const;

/** How far from the typed age a dog's recorded age may be and still match (years). */
export const ageToleranceYears = 2;
