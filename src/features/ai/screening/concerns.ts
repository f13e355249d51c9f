/**
 * A rescue's concerns: what its staff want an application review to point out, each with the
 * phrase rules that find it. Each rescue edits its own list; these are the defaults a new rescue
 * starts from. No concern may be about a protected characteristic (protected.ts), whoever writes it.
 */
import { z } from 'zod';
import { namesProtectedCharacteristic } from './protected.js';
import { phraseSchema } from './rules.js';

/** One concern as stored and as the edit form gives it. */
export const concernSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'an id is 1 to 40 lower-case letters, digits or hyphens'),
  label: z.string().trim().min(3, 'a concern needs a label of at least 3 characters').max(120, 'a label is at most 120 characters'),
  rules: z.array(phraseSchema).max(40, 'a concern has at most 40 rules'),
}).superRefine((c, ctx) => {
  const named = namesProtectedCharacteristic(c.label);
  if (named) ctx.addIssue({ code: 'custom', path: ['label'], message: `a concern cannot be about ${named}, a protected characteristic` });
  c.rules.forEach((r, i) => {
    const n = namesProtectedCharacteristic(r);
    if (n) ctx.addIssue({ code: 'custom', path: ['rules', i], message: `the rule "${r}" is about ${n}, a protected characteristic` });
  });
});

/** A concern. */
export type Concern = z.infer<typeof concernSchema>;

/** A rescue's whole list. */
export const concernListSchema = z.array(concernSchema).max(50, 'at most 50 concerns').superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((c, i) => {
    if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `the id "${c.id}" is used twice` });
    seen.add(c.id);
  });
});

/** What a new rescue starts from: the concerns rescues commonly screen for, none about the person. */
export const defaultConcerns: Concern[] = [
  { id: 'outdoor-only', label: 'The dog would live outdoors', rules: ['keep outside', 'kept outside', 'live outside', 'lives outside', 'stay outside', 'stays outside', 'outdoor dog', 'outside dog', 'yard dog', 'in the garage', 'kennel outside', 'chain*', 'tie* out', 'tied up'] },
  { id: 'long-alone', label: 'Long hours alone or crated', rules: ['alone all day', 'alone # hours', '# hours alone', 'crate* all day', 'crate* while * work', 'away all day', 'work long hours', 'left alone overnight'] },
  { id: 'breeding', label: 'Plans to breed or sell puppies', rules: ['breed*', 'stud', 'litter of', 'have puppies', 'sell * puppies', 'puppies to sell'] },
  { id: 'gift', label: 'A gift or surprise for someone else', rules: ['as a gift', 'gift for', 'a present for', 'surprise for', 'surprise my', 'surprise them'] },
  { id: 'guard-fight', label: 'Wanted for guarding, protection or fighting', rules: ['guard dog', 'protection dog', 'attack dog', 'fight*', 'toughen * up', 'bait dog', 'make * mean'] },
  { id: 'landlord', label: 'Housing does not allow dogs', rules: ['landlord doesn\'t know', 'landlord does not know', 'not allowed pets', 'no pets allowed', 'pets not allowed', 'pets are not allowed', 'haven\'t asked * landlord', 'have not asked * landlord', 'sneak * in'] },
  { id: 'past-pets', label: 'Past pets given up, lost or not kept safe', rules: ['gave * away', 'give * away', 'had to rehome', 'rehomed', 'get rid of', 'surrendered', 'ran away', 'hit by a car', 'got loose', 'escaped', 'dumped'] },
  { id: 'vet-care', label: 'Reluctant about veterinary care', rules: ['don\'t believe in vaccin*', 'do not believe in vaccin*', 'don\'t vaccinate', 'no need for * vet', 'vets are * waste', 'can\'t afford * vet', 'cannot afford * vet', 'never been to * vet', 'home remed*'] },
  { id: 'harsh-training', label: 'Physical punishment or aversive tools', rules: ['hit*', 'smack*', 'spank*', 'beat*', 'kick*', 'shock collar', 'prong collar', 'e-collar', 'choke chain', 'alpha roll*', 'rub * nose', 'show * who\'s boss', 'dominate'] },
  { id: 'roaming', label: 'Allowed to roam or off lead near roads', rules: ['roam*', 'run free', 'run loose', 'no fence', 'let * out on * own', 'off lead near', 'off leash near'] },
];
