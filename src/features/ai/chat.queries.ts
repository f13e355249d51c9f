import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/**
 * A member's latest messages about one dog, oldest first. A question and its answer are stored in
 * one transaction, so they share created_at: the question ('user') sorts before its answer.
 */
export async function selectChat(db: Db, staffId: string, dogId: string, limit: number) {
  const rows = await db.selectFrom('ai_chat_messages').select(['id', 'role', 'content_enc', 'path', 'created_at'])
    .where('staff_id', '=', staffId).where('dog_id', '=', dogId).orderBy('created_at', 'desc').orderBy('role', 'asc').orderBy('id', 'desc').limit(limit).execute();
  return rows.reverse();
}

/** Stores one message. */
export async function insertChatMessage(db: Db, row: { dog_id: string; staff_id: string; role: 'user' | 'assistant'; content_enc: string; path: 'model' | 'simpler' | null }): Promise<void> {
  await db.insertInto('ai_chat_messages').values(row).execute();
}

/** Forgets a member's conversation about one dog. */
export async function deleteChat(db: Db, staffId: string, dogId: string): Promise<number> {
  const res = await db.deleteFrom('ai_chat_messages').where('staff_id', '=', staffId).where('dog_id', '=', dogId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
