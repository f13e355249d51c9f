import { z } from 'zod';
import { defaultRescueLocale, formatMoney, type RescueLocale } from '../../platform/locale/index.js';
import type { PublicDog, PublicDogFilter } from '../dogs/dogs.public.js';
import { labelOf, sexChoices, sizeChoices, valuesOf } from '../dogs/dogs.public.js';
import { ageOn, ageText, formatCents } from '../dogs/dogs.public.js';
import { variantFiles, type PublicPhoto } from '../photos/photos.public.js';

/** Cache lifetime of public pages: short, with stale-while-revalidate so an edge cache can absorb traffic. */
export const publicCacheControl = 'public, max-age=60, stale-while-revalidate=600';

const optional = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values).optional().catch(undefined);
const yes = z.literal('yes').optional().catch(undefined);

/** The listing's filters from the query string; anything unexpected is ignored. */
export const listingQuerySchema = z.object({
  size: z.preprocess((v) => (v === '' ? undefined : v), optional(valuesOf(sizeChoices))),
  sex: z.preprocess((v) => (v === '' ? undefined : v), optional(['female', 'male'])),
  age: z.preprocess((v) => (v === '' ? undefined : v), optional(['puppy', 'young', 'adult', 'senior'])),
  good_with_dogs: yes,
  good_with_cats: yes,
  good_with_children: yes,
  page: z.coerce.number().int().min(2).max(10_000).optional().catch(undefined),
});
export type ListingQuery = z.output<typeof listingQuerySchema>;

/** Dogs on one page of the listing: a phone scrolls through a dozen cards comfortably; more come by page. */
export const listingPageSize = 12;

/** Whether any filter is set (the page number is not a filter). */
export function isFiltered(q: ListingQuery): boolean {
  return Object.entries(q).some(([k, v]) => k !== 'page' && v !== undefined);
}

/** How many filters are set, for the fold's button ("Filter dogs (2 set)"). */
export function filterCount(q: ListingQuery): number {
  return Object.entries(q).filter(([k, v]) => k !== 'page' && v !== undefined).length;
}

/** The listing's URL for a page, keeping the filters in the query string (page 1 has no number). */
export function listingHref(basePath: string, q: ListingQuery, page: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (k !== 'page' && v !== undefined) params.set(k, String(v));
  if (page > 1) params.set('page', String(page));
  const search = params.toString();
  return `${basePath}/${search ? `?${search}` : ''}`;
}

/** One page of a list: its items, the page number (clamped to the last page) and how many pages there are. */
export function pageOf<T>(items: T[], page: number | undefined, size = listingPageSize): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page ?? 1, pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages };
}

/** Parses the listing's query string (never fails: a bad value is no filter). */
export function listingQueryOf(query: unknown): ListingQuery {
  const parsed = listingQuerySchema.safeParse(query ?? {});
  return parsed.success ? parsed.data : {};
}

/** The dogs query's filter for a parsed listing query. */
export function filterOf(q: ListingQuery): PublicDogFilter {
  return {
    size: q.size, sex: q.sex, ageBand: q.age,
    goodWithDogs: q.good_with_dogs === 'yes', goodWithCats: q.good_with_cats === 'yes', goodWithChildren: q.good_with_children === 'yes',
  };
}

/** A public age: "2 years", "1 year, 6 months", "puppy, 4 months"; estimated ages say "about". */
export function publicAge(dog: Pick<PublicDog, 'birthDate' | 'birthDateEstimated'>, today: string): string {
  if (!dog.birthDate) return 'age unknown';
  const age = ageOn(dog.birthDate, today);
  const about = dog.birthDateEstimated ? 'about ' : '';
  if (age.years < 1) return `puppy, ${about}${ageText(age)}`;
  return `${about}${ageText(age.years >= 2 ? { years: age.years, months: 0 } : age)}`;
}

export const sexLabel = (dog: Pick<PublicDog, 'sex'>) => labelOf(sexChoices, dog.sex);
export const sizeLabel = (dog: Pick<PublicDog, 'size'>) => labelOf(sizeChoices, dog.size);

/** A weight in words ("18.5 kg"); "Not recorded" without one. */
export function weightText(kg: number | null): string {
  return kg === null ? 'Not recorded' : `${Number(kg.toFixed(1))} kg`;
}

/** The adoption fee in words, in the rescue's currency and locale. */
export function feeText(cents: number | null, locale: RescueLocale = defaultRescueLocale): string {
  return cents === null ? 'Ask the rescue' : cents === 0 ? 'No fee' : formatMoney(cents, locale);
}

/** Absolute URL of a path on this rescue's site. */
export function absoluteUrl(publicUrl: URL, basePath: string, path: string): string {
  return new URL(`${basePath}${path}`, publicUrl).toString();
}

/** Path of a public photo variant. */
export function photoPath(sha256: string, variant: string): string {
  return `/photos/${sha256}/${variant}`;
}

/** A plain-text description as paragraphs (blank lines separate them). */
export function paragraphs(text: string): string[] {
  return text.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean);
}

/** A short summary for meta descriptions. */
export function summary(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/**
 * CORS for the JSON feed, so a script on the rescue's own website can read it: any origin, no
 * credentials (the feed is public and the same for everyone), and nothing else of the site.
 */
export const feedCorsHeaders = { 'access-control-allow-origin': '*' } as const;

/** The feed's answer to a CORS preflight: reading (GET, HEAD) only, any request header, cached a day. */
export const feedPreflightHeaders = {
  ...feedCorsHeaders,
  'access-control-allow-methods': 'GET, HEAD',
  'access-control-allow-headers': '*',
  'access-control-max-age': '86400',
} as const;

/** A photo's variant URLs by size and format: `{ large: { webp, jpg }, … }`. */
function variantUrls(photo: PublicPhoto, abs: (path: string) => string): Record<string, Record<string, string>> {
  const urls: Record<string, Record<string, string>> = {};
  for (const file of variantFiles) {
    const [size, format] = file.split('.') as [string, string];
    (urls[size] ??= {})[format] = abs(photoPath(photo.sha256, file));
  }
  return urls;
}

/** One dog of the JSON feed: public fields only (never microchip, intake, notes, location or foster). */
export function feedDog(dog: PublicDog, today: string, abs: (path: string) => string) {
  return {
    id: dog.id,
    name: dog.name,
    sex: dog.sex,
    size: dog.size,
    breed: dog.breeds.length ? dog.breeds.join(', ') : null,
    age: publicAge(dog, today),
    good_with: { dogs: dog.goodWithDogs, cats: dog.goodWithCats, children: dog.goodWithChildren },
    description: dog.description,
    fee: dog.adoptionFeeCents === null ? null : formatCents(dog.adoptionFeeCents),
    photo: { url: abs(photoPath(dog.primary.sha256, 'large.jpg')), alt: dog.primary.alt },
    photos: dog.photos.map((p) => ({ alt: p.alt, width: p.width, height: p.height, primary: p === dog.primary, urls: variantUrls(p, abs) })),
    // Half of a bonded pair is never shown as available alone: the partner goes with it.
    bonded_with: dog.bondedWith ? { id: dog.bondedWith, name: dog.bondedName ?? '' } : null,
    url: abs(`/dogs/${dog.id}`),
    apply_url: abs(`/dogs/${dog.id}/apply`),
    updated_at: dog.updatedAt.toISOString(),
  };
}
