import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { idParam } from '../../platform/http/replies.js';
import {
  ageBandChoices,
  chosenWhereaboutsChoices,
  energyChoices,
  intakeTypeChoices,
  sexChoices,
  sizeChoices,
  spayNeuterChoices,
  statusChoices,
  tristateChoices,
  valuesOf,
  whereaboutsChoices,
} from './dogs.fields.js';
import { isIsoDate, isoToday, normaliseMicrochip, parseMoney } from './dogs.values.js';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).default('');
const choice = <V extends string>(values: [V, ...V[]], message: string) => z.enum(values, { message });
const tristate = choice(valuesOf(tristateChoices), 'must be yes, no or unknown').default('unknown');

// A day ahead of UTC, so a rescue east of Greenwich can enter its own today.
const latestDay = () => isoToday(new Date(Date.now() + 86_400_000));

/** A calendar date typed as YYYY-MM-DD that is not in the future. */
export const pastDateSchema = z
  .string()
  .trim()
  .refine(isIsoDate, 'must be a date like 2024-05-31')
  .refine((d) => d <= latestDay(), 'cannot be in the future');

const microchipSchema = z
  .string()
  .default('')
  .transform(normaliseMicrochip)
  .refine((v) => v === '' || /^\d{9,15}$/.test(v), 'must be 9 to 15 digits (spaces are ignored)')
  .transform((v) => v || null);

const breedsSchema = text(300)
  .transform((v) => [...new Set(v.split(',').map((b) => b.trim()).filter(Boolean))])
  .refine((list) => list.length <= 5, 'can list at most 5 breeds')
  .refine((list) => list.every((b) => b.length <= 60), 'each breed must be at most 60 characters');

const feeSchema = z
  .string()
  .trim()
  .default('')
  .refine((v) => v === '' || parseMoney(v) !== undefined, 'must be an amount like 150 or 150.00')
  .transform((v) => (v === '' ? null : parseMoney(v)!));

const energySchema = z
  .string()
  .default('')
  .refine((v) => v === '' || (valuesOf(energyChoices) as string[]).includes(v), 'must be low, medium or high')
  .transform((v) => (v === '' ? null : (v as 'low' | 'medium' | 'high')));

const wholeNumber = (max: number) => (v: string) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) <= max);

/** How the form gave the dog's age: a birth date, an estimated age in months, or nothing known. */
export type BirthInput = { kind: 'date'; date: string } | { kind: 'age'; months: number } | { kind: 'unknown' };

/** The create and edit form of a dog. Field names are the columns they fill. */
export const dogFormSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
    sex: choice(valuesOf(sexChoices), 'must be female, male or unknown').default('unknown'),
    birth_date: z.string().trim().default('').refine((v) => v === '' || pastDateSchema.safeParse(v).success, 'must be a past date like 2021-05-31'),
    age_years: z.string().trim().default('').refine(wholeNumber(30), 'must be a whole number of years from 0 to 30'),
    age_months: z.string().trim().default('').refine(wholeNumber(11), 'must be a whole number of months from 0 to 11'),
    breeds: breedsSchema,
    size: choice(valuesOf(sizeChoices), 'choose a size'),
    colour: text(200),
    microchip: microchipSchema,
    spay_neuter: choice(valuesOf(spayNeuterChoices), 'must be yes, no, scheduled or unknown').default('unknown'),
    intake_date: pastDateSchema,
    intake_type: choice(valuesOf(intakeTypeChoices), 'choose how the dog came in'),
    source: text(200),
    /** Where the dog is; a foster home is not offered: a placement sets it (fosters feature). */
    whereabouts: choice(valuesOf(chosenWhereaboutsChoices), 'must be at the rescue, boarding or at the vet').default('rescue'),
    location: text(200),
    good_with_dogs: tristate,
    good_with_cats: tristate,
    good_with_children: tristate,
    energy: energySchema,
    special_needs: text(5000),
    adoption_fee: feeSchema,
    public_description: text(5000),
    on_hold: choice(['no', 'yes'], 'must be yes or no').default('no').transform((v) => v === 'yes'),
    hold_reason: text(500),
    /** Who hears about this dog (foster notes, medical reminders); empty: all admins and staff. */
    staff_contact_id: z.union([z.literal(''), z.uuid('choose a staff member from the list')]).default('').transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    const hasAge = v.age_years !== '' || v.age_months !== '';
    if (v.birth_date !== '' && hasAge) {
      ctx.addIssue({ code: 'custom', path: ['birth_date'], message: 'give either a date of birth or an estimated age, not both' });
    }
  })
  .transform(({ birth_date, age_years, age_months, adoption_fee, ...rest }) => {
    const birth: BirthInput = birth_date !== ''
      ? { kind: 'date', date: birth_date }
      : age_years !== '' || age_months !== ''
        ? { kind: 'age', months: Number(age_years || 0) * 12 + Number(age_months || 0) }
        : { kind: 'unknown' };
    return { ...rest, birth, adoption_fee_cents: adoption_fee, hold_reason: rest.on_hold ? rest.hold_reason : '' };
  });

/** A dog as the form gives it to the service. */
export type DogForm = z.output<typeof dogFormSchema>;

/** The change-status form. */
export const statusChangeSchema = z.object({
  to: choice(valuesOf(statusChoices), 'choose a status'),
  reason: text(1000),
});

/** The record-a-weight form. */
export const weightSchema = z.object({
  kg: z
    .string()
    .trim()
    .refine((v) => /^\d{1,3}(\.\d{1,2})?$/.test(v) && Number(v) > 0 && Number(v) <= 150, 'must be a weight in kg from 0.01 to 150, like 12.5')
    .transform(Number),
  weighed_on: pastDateSchema,
});

/** The link-a-bonded-dog form. */
export const bondSchema = z.object({ partner: z.uuid('choose a dog from the list') });

/** A dog's id in a URL; anything else is a 404, not a database error. */

/** Page size of the dog list. */
export const dogsPerPage = 50;

/** The list's search and filters from the query string; a stale or edited link falls back to no filter. */
export const dogListQuerySchema = z.object({
  q: z.string().trim().max(100).catch('').default(''),
  status: z.enum(['', 'all', ...valuesOf(statusChoices)]).catch('').default(''),
  size: z.enum(['', ...valuesOf(sizeChoices)]).catch('').default(''),
  age: z.enum(['', ...valuesOf(ageBandChoices)]).catch('').default(''),
  /** Where the dogs are now: at the rescue, with a foster, boarding, at the vet. */
  where: z.enum(['', ...valuesOf(whereaboutsChoices)]).catch('').default(''),
  /** A foster's staff id: only the dogs in that foster home now. */
  foster: z.union([z.literal(''), z.uuid()]).catch('').default(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

/** Parsed list search and filters. */
export type DogListQuery = z.output<typeof dogListQuerySchema>;

/** The dog id in the URL, or a 404 (a malformed id never reaches the database). */
export function dogIdOf(request: FastifyRequest): string {
  return idParam(request, 'That dog');
}
