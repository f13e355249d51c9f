import { sql, type ExpressionBuilder } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';

/**
 * The statuses in which a dog has a public page: listed while available, then, so shared links keep
 * working, an "adoption pending" page and a happy-ending page once adopted (their photos stay public).
 */
export const publicDogStatuses: readonly DogStatus[] = ['available', 'adoption_pending', 'adopted'];

/**
 * "The dog has a public page", as a condition on a `dogs` row: the one rule for what the public may
 * see of a dog. A photo's public URL answers only while its dog passes it (the listing, the
 * pending page and the happy-ending page show no other photos); change the rule here.
 */
export function dogShownPublicly(eb: ExpressionBuilder<TenantSchema, 'dogs'>) {
  return eb.and([
    eb('dogs.status', 'in', publicDogStatuses),
    eb('dogs.on_hold', '=', false),
    eb(sql<string>`trim(dogs.public_description)`, '<>', ''),
  ]);
}

/** "The dog is on the listing": shown publicly and available (adoptability() then asks for a photo too). */
export function dogListed(eb: ExpressionBuilder<TenantSchema, 'dogs'>) {
  return eb.and([dogShownPublicly(eb), eb('dogs.status', '=', 'available')]);
}
