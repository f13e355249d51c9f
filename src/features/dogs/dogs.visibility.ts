import { sql, type ExpressionBuilder } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';

/**
 * The statuses in which a dog may be shown on the public site. Issue 13's adoption-pending and
 * happy-ending pages, whose photos stay public, add `adoption_pending` and `adopted` here.
 */
export const publicDogStatuses: readonly DogStatus[] = ['available'];

/**
 * "The dog is shown publicly", as a condition on a `dogs` row: the one rule for what the public may
 * see of a dog. The listing narrows its candidates with it (adoptability() then asks for a photo
 * too) and a photo's public URL answers only while its dog passes it; change the rule here.
 */
export function dogShownPublicly(eb: ExpressionBuilder<TenantSchema, 'dogs'>) {
  return eb.and([
    eb('dogs.status', 'in', publicDogStatuses),
    eb('dogs.on_hold', '=', false),
    eb(sql<string>`trim(dogs.public_description)`, '<>', ''),
  ]);
}
