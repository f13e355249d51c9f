import type { DogStatus, Whereabouts } from '../../platform/db/schema.js';

/** A choice of a dog field: the stored value and what a person reads. */
export interface Choice<V extends string = string> {
  value: V;
  label: string;
}

function choices<const V extends string>(list: readonly (readonly [V, string])[]): Choice<V>[] {
  return list.map(([value, label]) => ({ value, label }));
}

/** Every status, in the order a dog usually meets them. */
export const statusChoices = choices([
  ['intake', 'Intake'],
  ['medical_hold', 'Medical hold'],
  ['available', 'Available'],
  ['adoption_pending', 'Adoption pending'],
  ['adopted', 'Adopted'],
  ['returned', 'Returned'],
  ['transferred_out', 'Transferred out'],
  ['deceased', 'Deceased'],
] as const satisfies readonly (readonly [DogStatus, string])[]);

/** Where a dog can be. 'foster' comes only with a foster placement (the fosters feature sets it). */
export const whereaboutsChoices = choices([
  ['rescue', 'At the rescue'],
  ['foster', 'With a foster home'],
  ['boarding', 'Boarding'],
  ['vet', 'At the vet'],
] as const satisfies readonly (readonly [Whereabouts, string])[]);

/** The places staff choose on the dog's form: every one but a foster home, which a placement sets. */
export const chosenWhereaboutsChoices = whereaboutsChoices.filter((c) => c.value !== 'foster');

/** Where a dog is, in words for the hub: the foster's name while with one, else the place and its detail. Never for the public. */
export function whereaboutsText(dog: { whereabouts: Whereabouts; location: string; fosterName: string | null; closed?: boolean }): string {
  if (dog.closed) return 'No longer in the rescue\'s care';
  const place = labelOf(whereaboutsChoices, dog.whereabouts);
  if (dog.whereabouts === 'foster') return `${place}: ${dog.fosterName ?? 'not named'}`;
  return dog.location ? `${place}: ${dog.location}` : place;
}

/** Sexes a dog record can hold. */
export const sexChoices = choices([['unknown', 'Unknown'], ['female', 'Female'], ['male', 'Male']] as const);

/** Size classes, which the public listing filters on. */
export const sizeChoices = choices([['small', 'Small'], ['medium', 'Medium'], ['large', 'Large'], ['xl', 'Extra large']] as const);

/** Spay/neuter states. */
export const spayNeuterChoices = choices([['unknown', 'Unknown'], ['yes', 'Yes'], ['no', 'No'], ['scheduled', 'Scheduled']] as const);

/** How a dog came to the rescue. */
export const intakeTypeChoices = choices([
  ['stray', 'Stray'],
  ['owner_surrender', 'Owner surrender'],
  ['transfer', 'Transfer from another rescue'],
  ['born_in_care', 'Born in care'],
  ['return', 'Return'],
] as const);

/** Answers to "good with dogs / cats / children?". */
export const tristateChoices = choices([['unknown', 'Unknown'], ['yes', 'Yes'], ['no', 'No']] as const);

/** Energy levels; not known yet is stored as null. */
export const energyChoices = choices([['low', 'Low'], ['medium', 'Medium'], ['high', 'High']] as const);

/** Age bands of the list filter. */
export const ageBandChoices = choices([
  ['puppy', 'Puppy (under 1 year)'],
  ['young', 'Young (1 to 3 years)'],
  ['adult', 'Adult (3 to 8 years)'],
  ['senior', 'Senior (8 years and over)'],
] as const);

/** The stored values of a choice list, as a tuple zod's enum accepts. */
export function valuesOf<V extends string>(list: Choice<V>[]): [V, ...V[]] {
  return list.map((c) => c.value) as [V, ...V[]];
}

/** The label of a stored value ('—' when empty, the value itself when unknown). */
export function labelOf(list: Choice[], value: string | null | undefined): string {
  if (!value) return '—';
  return list.find((c) => c.value === value)?.label ?? value;
}
