import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { DogStatus, TenantSchema, Whereabouts } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** What the dog list may be narrowed by; every part is optional. */
export interface DogListFilter {
  /** Part of a name to look for. */
  text?: string;
  /** The start of a microchip number, also matched when the search looks like one. */
  microchipPrefix?: string;
  statuses?: readonly DogStatus[];
  excludeStatuses?: readonly DogStatus[];
  size?: TenantSchema['dogs']['size'];
  bornAfter?: string;
  bornOnOrBefore?: string;
  /** Only dogs in this foster's care now (the staff id). */
  fosterId?: string;
  /** Only dogs that are there now. */
  whereabouts?: Whereabouts;
}

// LIKE treats % and _ as wildcards: a name search for "50%" must match those characters only.
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filtered<O>(query: SelectQueryBuilder<TenantSchema, 'dogs', O>, f: DogListFilter) {
  let q = query;
  if (f.text) {
    const name = `%${likeEscaped(f.text.toLowerCase())}%`;
    const chip = f.microchipPrefix ? `${likeEscaped(f.microchipPrefix)}%` : undefined;
    q = q.where((eb) => eb.or([
      eb(sql`lower(name)`, 'like', name),
      ...(chip ? [eb('microchip', 'like', chip)] : []),
    ]));
  }
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
  if (f.excludeStatuses?.length) q = q.where('status', 'not in', f.excludeStatuses);
  if (f.size) q = q.where('size', '=', f.size);
  if (f.fosterId) q = q.where('foster_id', '=', f.fosterId);
  if (f.whereabouts) q = q.where('whereabouts', '=', f.whereabouts);
  // Bounds are YYYY-MM-DD text; the column is typed as the Date drivers return.
  if (f.bornAfter) q = q.where(sql<string>`birth_date`, '>', f.bornAfter);
  if (f.bornOnOrBefore) q = q.where(sql<string>`birth_date`, '<=', f.bornOnOrBefore);
  return q;
}

/** One page of the dog list, by name. */
export function selectDogPage(db: Db, f: DogListFilter, page: { limit: number; offset: number }) {
  const query = db
    .selectFrom('dogs')
    .select([
      'id', 'name', 'status', 'sex', 'size', 'breeds', 'microchip', 'location', 'whereabouts', 'foster_id', 'birth_date_estimated', 'on_hold',
      sql<string | null>`to_char(birth_date, 'YYYY-MM-DD')`.as('birth_date'),
    ]);
  return filtered(query, f).orderBy(sql`lower(name)`).orderBy('id').limit(page.limit).offset(page.offset).execute();
}

/** How many dogs match the filter. */
export async function countDogs(db: Db, f: DogListFilter): Promise<number> {
  const row = await filtered(db.selectFrom('dogs').select((eb) => eb.fn.countAll<string>().as('n')), f).executeTakeFirstOrThrow();
  return Number(row.n);
}
