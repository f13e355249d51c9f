/**
 * Reads one dog's record for the chat through the owning features' public faces: the dog's row,
 * the timeline sources the dog's page is composed of (apps/routes.ts), and application counts.
 * Every read is keyed by this dog's id in this rescue's database, and nothing else is read.
 */
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../../platform/db/schema.js';
import { applicationCountsOfDog } from '../../adoptions/adoptions.public.js';
import { getDog, type TimelineEntry, type TimelineSource } from '../../dogs/dogs.public.js';
import { buildRecord, type DogRecord } from './record.js';

/** The record of one dog as of `today` (the rescue's day, YYYY-MM-DD). Throws the dogs feature's 404 for an unknown id. */
export async function readDogRecord(db: Kysely<TenantSchema>, dogId: string, sources: readonly TimelineSource[], today: string): Promise<DogRecord> {
  const dog = await getDog(db, dogId);
  const timeline: TimelineEntry[] = [];
  for (const source of sources) timeline.push(...(await source(db, dogId)));
  return buildRecord(dog, timeline, await applicationCountsOfDog(db, dogId), today);
}
