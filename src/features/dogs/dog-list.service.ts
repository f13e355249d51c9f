import type { DogStatus, Whereabouts } from '../../platform/db/schema.js';
import { selectPrimaryPhotos, type PrimaryPhoto } from '../photos/photos.public.js';
import { staffNamesByIds, type StaffDeps } from '../staff/staff.public.js';
import { countDogs, selectDogPage, type DogListFilter } from './dog-list.queries.js';
import { closedStatuses } from './dogs.lifecycle.js';
import { dogsPerPage, type DogListQuery } from './dogs.schema.js';
import { ageBandBounds, ageOn, ageText, normaliseMicrochip } from './dogs.values.js';

/** One row of the dog list as the page shows it. */
export interface DogListRow {
  id: string;
  name: string;
  status: DogStatus;
  sex: string;
  size: string;
  breeds: string[];
  microchip: string | null;
  location: string;
  /** Where the dog is now. */
  whereabouts: Whereabouts;
  /** The foster caring for it, while it is with one. */
  fosterName: string | null;
  /** Age in words, "(est.)" when estimated; null when unknown. */
  age: string | null;
  onHold: boolean;
  /** The primary photo, shown as a thumbnail; absent when the dog has none. */
  photo?: PrimaryPhoto;
}

/** The filter a list query asks for. With no status chosen, closed records (adopted, gone) stay out. */
export function filterOf(query: DogListQuery, today: string): DogListFilter {
  const f: DogListFilter = {};
  if (query.q) {
    f.text = query.q;
    const digits = normaliseMicrochip(query.q);
    if (/^\d{3,15}$/.test(digits)) f.microchipPrefix = digits;
  }
  if (query.status === '') f.excludeStatuses = [...closedStatuses];
  else if (query.status !== 'all') f.statuses = [query.status];
  if (query.size) f.size = query.size;
  if (query.foster) f.fosterId = query.foster;
  if (query.where) f.whereabouts = query.where;
  if (query.age) Object.assign(f, ageBandBounds(query.age, today));
  return f;
}

/** One page of dogs matching the search and filters, with the totals for paging and who fosters each. */
export async function listDogs(deps: StaffDeps, query: DogListQuery, today: string): Promise<{ dogs: DogListRow[]; total: number; page: number; pages: number }> {
  const { db } = deps;
  const filter = filterOf(query, today);
  const total = await countDogs(db, filter);
  const pages = Math.max(1, Math.ceil(total / dogsPerPage));
  const page = Math.min(query.page, pages);
  const rows = await selectDogPage(db, filter, { limit: dogsPerPage, offset: (page - 1) * dogsPerPage });
  const primaries = await selectPrimaryPhotos(db, rows.map((r) => r.id));
  const fosters = await staffNamesByIds(deps, [...new Set(rows.flatMap((r) => (r.foster_id ? [r.foster_id] : [])))]);
  const dogs = rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    sex: r.sex,
    size: r.size,
    breeds: r.breeds,
    microchip: r.microchip,
    location: r.location,
    whereabouts: r.whereabouts,
    fosterName: r.foster_id ? (fosters.get(r.foster_id) ?? 'A former account') : null,
    age: r.birth_date ? `${ageText(ageOn(r.birth_date, today))}${r.birth_date_estimated ? ' (est.)' : ''}` : null,
    onHold: r.on_hold,
    photo: primaries.get(r.id),
  }));
  return { dogs, total, page, pages };
}
