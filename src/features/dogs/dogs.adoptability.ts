import type { Kysely } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { countApprovedPhotos } from '../photos/photos.public.js';
import { statusLabel } from './dogs.lifecycle.js';

/** The parts of a dog that decide whether the public may see it as adoptable. */
export interface AdoptabilityFacts {
  status: DogStatus;
  onHold: boolean;
  publicDescription: string;
}

/** Whether a dog is adoptable and, when it is not, what a person must do about it. */
export interface Adoptability {
  adoptable: boolean;
  missing: string[];
}

/** "Adoptable" is computed, never typed in: available, not on hold, an approved photo and a public description. */
export function adoptability(dog: AdoptabilityFacts, extra: { approvedPhotoCount: number }): Adoptability {
  const missing: string[] = [];
  if (dog.status !== 'available') missing.push(`needs the status "Available" (it is "${statusLabel(dog.status)}")`);
  if (dog.onHold) missing.push('is on hold: lift the hold');
  if (extra.approvedPhotoCount < 1) missing.push('needs an approved photo');
  if (dog.publicDescription.trim() === '') missing.push('needs a public description');
  return { adoptable: missing.length === 0, missing };
}

/** How many approved photos a dog has (pending and rejected ones never count). */
export async function approvedPhotoCount(db: Kysely<TenantSchema>, dogId: string): Promise<number> {
  return countApprovedPhotos(db, dogId);
}
