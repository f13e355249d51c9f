import { z } from 'zod';
import { pastDateSchema } from '../dogs/dogs.public.js';

/** The assign-a-foster form on a dog's page. */
export const assignFosterSchema = z.object({
  foster: z.uuid('choose a foster home from the list'),
  started_on: pastDateSchema,
});
/** A parsed assign-a-foster form. */
export type AssignFoster = z.output<typeof assignFosterSchema>;

/** The end-the-placement form on a dog's page. */
export const endFosterSchema = z.object({ ended_on: pastDateSchema });

/** Longest note, in characters (the table checks it too). */
export const noteMaxLength = 5000;

/** The write-a-note form; `back` says which page to return to. */
export const noteSchema = z.object({
  body: z.string().trim().min(1, 'write something first').max(noteMaxLength, `must be at most ${noteMaxLength} characters`),
  back: z.enum(['dog', 'my-dogs']).catch('dog').default('dog'),
});
