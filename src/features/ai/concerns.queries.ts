import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

const columns = ['id', 'key', 'label', 'rules', 'active', 'position'] as const;

/** Every concern in list order. */
export function selectConcerns(db: Db) {
  return db.selectFrom('review_concerns').select(columns).orderBy('position').orderBy('key').execute();
}

/** One concern by id. */
export function selectConcern(db: Db, id: string) {
  return db.selectFrom('review_concerns').select(columns).where('id', '=', id).executeTakeFirst();
}

/** The keys in use (a new concern's key must differ). */
export async function selectConcernKeys(db: Db): Promise<Set<string>> {
  return new Set((await db.selectFrom('review_concerns').select('key').execute()).map((r) => r.key));
}

/** Inserts concerns at the given positions; a key already there is left as it is. */
export async function insertConcerns(db: Db, rows: Array<{ key: string; label: string; rules: string[]; position: number }>): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('review_concerns').values(rows).onConflict((oc) => oc.column('key').doNothing()).execute();
}

/** The next position at the end of the list. */
export async function nextConcernPosition(db: Db): Promise<number> {
  const row = await db.selectFrom('review_concerns').select((eb) => eb.fn.max('position').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** Updates a concern; false when there is none. */
export async function updateConcern(db: Db, id: string, set: { label?: string; rules?: string[]; active?: boolean }): Promise<boolean> {
  const res = await db.updateTable('review_concerns').set({ ...set, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
