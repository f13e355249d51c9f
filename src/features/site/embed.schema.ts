import { z } from 'zod';
import { ageBandChoices, sizeChoices, valuesOf } from '../dogs/dogs.public.js';
import type { ListingQuery } from './site.service.js';

/** Most dogs one embedded listing shows. */
export const embedMaxLimit = 100;

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);
const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.preprocess(blankIsUnset, z.enum(values, { error: () => `${name} must be one of ${values.join(', ')}` }).optional());
const yes = (name: string) => z.preprocess(blankIsUnset, z.literal('yes', { error: () => `${name} must be "yes" or left out` }).optional());

/**
 * The embedded listing's query string. Unlike the listing page (where a person picks from a form), a
 * bad value here is a mistake in a snippet someone pasted, so it is refused with a message rather
 * than silently ignored. Unknown parameters (e.g. a site's tracking tags) are ignored.
 */
export const embedQuerySchema = z.object({
  limit: z.preprocess(
    blankIsUnset,
    z.coerce.number({ error: () => 'limit must be a whole number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(embedMaxLimit, `limit must be at most ${embedMaxLimit}`)
      .optional(),
  ),
  size: oneOf('size', valuesOf(sizeChoices)),
  sex: oneOf('sex', ['female', 'male']),
  age: oneOf('age', valuesOf(ageBandChoices)),
  good_with_dogs: yes('good_with_dogs'),
  good_with_cats: yes('good_with_cats'),
  good_with_children: yes('good_with_children'),
});

/** A parsed embed query: the listing's filters plus a limit. */
export type EmbedQuery = z.output<typeof embedQuerySchema>;

/** Parses the embed's query string: the query, or the problems as one sentence per parameter. */
export function parseEmbedQuery(query: unknown): { ok: true; query: EmbedQuery } | { ok: false; problems: string[] } {
  const parsed = embedQuerySchema.safeParse(query ?? {});
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => (i.path.length && !i.message.startsWith(String(i.path[0])) ? `${String(i.path[0])}: ${i.message}` : i.message)) };
}

/** The listing filters of an embed query (the limit aside). */
export function listingPartOf(q: EmbedQuery): ListingQuery {
  const { limit: _limit, ...rest } = q;
  return rest;
}
