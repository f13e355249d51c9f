/**
 * The public facts of a dog that AI helpers may use: profile fields only, never a person (no foster,
 * adopter, staff contact, microchip or location). Every feature's input starts from these.
 */
import { ageOn, ageText, type DogRow } from '../dogs/dogs.public.js';

/** A dog's public facts, in words. */
export interface DogFacts {
  name: string;
  sex: 'male' | 'female' | 'unknown';
  size: string;
  breeds: string[];
  colour: string;
  age: string | null;
  energy: string | null;
  goodWithDogs: string;
  goodWithCats: string;
  goodWithChildren: string;
  specialNeeds: string;
}

const sizeWords: Record<DogRow['size'], string> = { small: 'small', medium: 'medium-sized', large: 'large', xl: 'extra-large' };

/** The facts of a dog row, its age as of `today`. */
export function dogFactsOf(dog: DogRow, today: string): DogFacts {
  return {
    name: dog.name, sex: dog.sex, size: sizeWords[dog.size], breeds: dog.breeds, colour: dog.colour.trim(),
    age: dog.birth_date ? ageText(ageOn(dog.birth_date, today)) : null, energy: dog.energy,
    goodWithDogs: dog.good_with_dogs, goodWithCats: dog.good_with_cats, goodWithChildren: dog.good_with_children,
    specialNeeds: dog.special_needs.trim(),
  };
}

/** "a medium-sized brown Labrador mix", from the facts. */
export function dogPhrase(f: DogFacts): string {
  const breed = f.breeds.length === 0 ? 'mixed-breed dog' : f.breeds.length === 1 ? f.breeds[0]! : `${f.breeds.join(' and ')} mix`;
  return [f.size, f.colour.toLowerCase(), breed].filter(Boolean).join(' ');
}

/** What kind of home suits the dog, from the good-with fields, as a sentence (empty when nothing is known). */
export function homeSentence(f: DogFacts, pronoun: string): string {
  const yes = [f.goodWithDogs === 'yes' && 'other dogs', f.goodWithCats === 'yes' && 'cats', f.goodWithChildren === 'yes' && 'children'].filter(Boolean) as string[];
  const no = [f.goodWithDogs === 'no' && 'other dogs', f.goodWithCats === 'no' && 'cats', f.goodWithChildren === 'no' && 'children'].filter(Boolean) as string[];
  const good = yes.length ? `${pronoun} gets on well with ${list(yes)}` : '';
  const without = no.length ? `would do best in a home without ${list(no)}` : '';
  if (good && without) return `${good}, and ${pronoun.toLowerCase()} ${without}.`;
  return good ? `${good}.` : without ? `${pronoun} ${without}.` : '';
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** He, She or They. */
export function pronounOf(f: DogFacts): string {
  return f.sex === 'male' ? 'He' : f.sex === 'female' ? 'She' : 'They';
}
