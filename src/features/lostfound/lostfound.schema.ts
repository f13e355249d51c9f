/** The lost-and-found forms: what a search may say beside its photos, and a message to a rescue. */
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).default('');

/** Photos one search takes. */
export const maxSearchPhotos = 3;

/** The optional details of a search (shown back on the results page; never stored). */
export const searchSchema = z.object({
  where: text(200),
  when: z.string().trim().default('').refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))), 'must be a date like 2026-12-01'),
  size: z.enum(['', 'small', 'medium', 'large', 'xl'], { message: 'must be one of the sizes listed' }).default(''),
  colour: text(100),
  sex: z.enum(['', 'male', 'female', 'unknown'], { message: 'must be male, female or not sure' }).default(''),
});

/** A search's details as checked. */
export type SearchDetails = z.infer<typeof searchSchema>;

/** A message to a rescue about one of its dogs. */
export const contactSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  email: z.string().trim().max(254, 'must be at most 254 characters').pipe(z.email('must be an email address like you@example.org')),
  phone: z.string().trim().max(40, 'must be at most 40 characters').refine((v) => v === '' || /^\+?[\d ()./-]{4,39}$/.test(v), 'must be a phone number: digits, spaces and + ( ) - only').default(''),
  message: z.string().trim().min(1, 'is required').max(4000, 'must be at most 4,000 characters'),
});

/** A checked message. */
export type ContactValues = z.infer<typeof contactSchema>;

/** The dog a message is about, by the key of the photo the results showed (no dog id is published). */
export const contactParamsSchema = z.object({ photoKey: z.string().regex(/^[0-9a-f]{64}$/, 'is not a photo reference') });
