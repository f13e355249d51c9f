import type { Insertable, Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** Self-service reset requests since `since` whose `column` is `key`, and the oldest one's time. */
export async function recentResetRequests(db: Db, column: 'account_key' | 'address_key', key: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('password_resets')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where(column, '=', key)
    .where('requested_by', '=', 'self')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as unknown as string | Date) : null };
}

/** Records a reset request or link. */
export async function insertReset(db: Db, row: Insertable<TenantSchema['password_resets']>): Promise<string> {
  const { id } = await db.insertInto('password_resets').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** The unspent, unexpired link a token belongs to. */
export function selectOpenReset(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('password_resets')
    .select(['id', 'staff_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Spends a link (compare-and-set): the staff id when this call spent it, undefined when it was already spent or expired. */
export async function spendReset(db: Db, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('staff_id')
    .executeTakeFirst();
  return row?.staff_id ?? undefined;
}

/** Spends every other open link of a person, so an older link cannot be used after a reset. */
export async function spendOtherResets(db: Db, staffId: string, now: Date): Promise<void> {
  await db.updateTable('password_resets').set({ used_at: now }).where('staff_id', '=', staffId).where('used_at', 'is', null).execute();
}
