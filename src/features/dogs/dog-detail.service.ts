import type { DogStatus } from '../../platform/db/schema.js';
import { staffNamesByIds, type StaffDeps } from '../staff/staff.public.js';
import { adoptability, approvedPhotoCount, type Adoptability } from './dogs.adoptability.js';
import { isOpen, manualNextStatuses } from './dogs.lifecycle.js';
import { selectBondCandidates, selectDog, selectWeights, type DogRow } from './dogs.queries.js';
import { closedStatusList, getDog } from './dogs.service.js';
import { dogTimeline, type TimelineEntry, type TimelineSource } from './dogs.timeline.js';
import { ageOn, ageText } from './dogs.values.js';

/** Everything the dog's detail page shows. */
export interface DogDetail {
  dog: DogRow;
  /** Age in words, or null when unknown. */
  age: string | null;
  open: boolean;
  partner: { id: string; name: string } | null;
  adoptability: Adoptability;
  /** What the plain status form offers (never adoption pending or adopted: the applications set those). */
  nextStatuses: readonly DogStatus[];
  weights: { kg: number; weighedOn: string }[];
  timeline: (TimelineEntry & { byName?: string; withName?: string })[];
  bondCandidates: { id: string; name: string; microchip: string | null }[];
  /** Who hears about this dog (foster notes, medical reminders); null: all admins and staff. */
  staffContactName: string | null;
  /** The foster caring for the dog, while it is with one. */
  fosterName: string | null;
}

/** Reads a dog's record with its timeline, weights, bonded partner and what it lacks to be adoptable. */
export async function dogDetail(deps: StaffDeps, id: string, today: string, timelineSources: readonly TimelineSource[]): Promise<DogDetail> {
  const { db } = deps;
  const dog = await getDog(db, id);
  const partner = dog.bonded_with ? await selectDog(db, dog.bonded_with) : undefined;
  const weights = await selectWeights(db, id);
  const timeline = await dogTimeline(db, id, timelineSources);
  const names = await staffNamesByIds(deps, [...new Set([dog.staff_contact_id, dog.foster_id, ...timeline.flatMap((e) => [e.by, e.with])].filter((b): b is string => !!b))]);
  const photos = await approvedPhotoCount(db, id);
  return {
    dog,
    age: dog.birth_date ? ageText(ageOn(dog.birth_date, today)) : null,
    open: isOpen(dog.status),
    partner: partner ? { id: partner.id, name: partner.name } : null,
    adoptability: adoptability({ status: dog.status, onHold: dog.on_hold, publicDescription: dog.public_description }, { approvedPhotoCount: photos }),
    nextStatuses: manualNextStatuses(dog.status),
    weights: weights.map((w) => ({ kg: w.kg, weighedOn: w.weighed_on })),
    timeline: timeline.map((e) => ({ ...e, byName: e.by ? names.get(e.by) : undefined, withName: e.with ? names.get(e.with) : undefined })),
    bondCandidates: dog.bonded_with ? [] : await selectBondCandidates(db, id, closedStatusList),
    staffContactName: dog.staff_contact_id ? (names.get(dog.staff_contact_id) ?? null) : null,
    fosterName: dog.foster_id ? (names.get(dog.foster_id) ?? 'A former account') : null,
  };
}
