import type { Kysely } from 'kysely';
import type { StaffRole, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** A staff row by the keyed hash of its email. */
export function selectStaffByEmailHash(db: Db, emailHash: string) {
  return db.selectFrom('staff').selectAll().where('email_hash', '=', emailHash).executeTakeFirst();
}

/** A staff row by id. */
export function selectStaffById(db: Db, id: string) {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every staff row, oldest first. */
export function selectAllStaff(db: Db) {
  return db.selectFrom('staff').selectAll().orderBy('created_at').execute();
}

/** Inserts a staff row and returns its id. */
export async function insertStaff(db: Db, row: { email_enc: string; email_hash: string; name_enc: string; role: StaffRole; password_hash: string }) {
  const { id } = await db.insertInto('staff').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Updates a staff member's role, status or password hash. */
export async function updateStaff(
  db: Db,
  id: string,
  set: Partial<{ role: StaffRole; status: 'active' | 'disabled'; password_hash: string; password_changed_at: Date }>,
) {
  const res = await db.updateTable('staff').set(set).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** How many active admins the rescue has (the last one cannot be demoted or disabled). */
export async function countActiveAdmins(db: Db) {
  const row = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Ids and encrypted names of the given staff members (for labelling audit entries). */
export async function selectStaffNamesByIds(db: Db, ids: string[]): Promise<{ id: string; name_enc: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('staff').select(['id', 'name_enc']).where('id', 'in', ids).execute();
}
