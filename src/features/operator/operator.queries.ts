import type { Kysely } from 'kysely';
import type { ControlSchema } from '../../platform/db/schema.js';

type Control = Kysely<ControlSchema>;

/** The id of an operator by (normalised) username, whatever its status. */
export async function selectOperatorId(db: Control, username: string): Promise<string | undefined> {
  const row = await db.selectFrom('operators').select('id').where('username', '=', username).executeTakeFirst();
  return row?.id;
}

/** Ends one operator session. */
export async function deleteOperatorSession(db: Control, tokenHash: string): Promise<void> {
  await db.deleteFrom('operator_sessions').where('token_hash', '=', tokenHash).execute();
}
