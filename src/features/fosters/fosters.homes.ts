import type { Kysely } from 'kysely';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { listStaff, staffNamesByIds, type StaffDeps } from '../staff/staff.public.js';
import type { DogRow } from '../dogs/dogs.public.js';
import { fosterHomesToChoose } from './fosters.service.js';
import { selectDogsInFoster, selectOpenAssignment } from './fosters.queries.js';

/** A dog in a foster home now. */
export interface FosteredDog {
  id: string;
  name: string;
  status: DogStatus;
  since: string;
}

/** A foster home with the dogs in its care. */
export interface FosterHome {
  id: string;
  name: string;
  email: string;
  active: boolean;
  dogs: FosteredDog[];
}

const fostered = (r: { dog_id: string; name: string; status: DogStatus; started_on: string }): FosteredDog => ({ id: r.dog_id, name: r.name, status: r.status, since: r.started_on });

/** Every foster home (foster accounts, and anyone else still caring for a dog) with its current dogs. */
export async function fosterHomes(deps: StaffDeps): Promise<FosterHome[]> {
  const dogs = await selectDogsInFoster(deps.db);
  const caring = new Set(dogs.map((d) => d.foster_id));
  const people = (await listStaff(deps)).filter((s) => s.role === 'foster' || caring.has(s.id));
  return people
    .map((s) => ({ id: s.id, name: s.name, email: s.email, active: s.status === 'active', dogs: dogs.filter((d) => d.foster_id === s.id).map(fostered) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The dogs in one foster's care now, by name. */
export async function dogsInCareOf(db: Kysely<TenantSchema>, fosterId: string): Promise<FosteredDog[]> {
  return (await selectDogsInFoster(db, fosterId)).map(fostered);
}

/** Whether a dog is in this foster's care now (for other features' foster rules, such as photo uploads). */
export async function isInCareOf(db: Kysely<TenantSchema>, dogId: string, fosterId: string): Promise<boolean> {
  return (await selectOpenAssignment(db, dogId))?.foster_id === fosterId;
}

/** What a dog's page shows about foster care: the current placement and who it could go to. */
export interface FosterPanelData {
  current: { fosterId: string; name: string; since: string } | null;
  homes: { id: string; name: string }[];
}

/** The foster panel's data for one dog (names decrypted through the staff service). */
export async function fosterPanelData(deps: StaffDeps, dog: Pick<DogRow, 'id'>): Promise<FosterPanelData> {
  const open = await selectOpenAssignment(deps.db, dog.id);
  const names = open ? await staffNamesByIds(deps, [open.foster_id]) : new Map<string, string>();
  return {
    current: open ? { fosterId: open.foster_id, name: names.get(open.foster_id) ?? 'A former account', since: open.started_on } : null,
    homes: await fosterHomesToChoose(deps),
  };
}
