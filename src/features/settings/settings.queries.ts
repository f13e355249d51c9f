import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { RescueSettings } from './settings.schema.js';

type Db = Kysely<TenantSchema>;

/** The rescue's single settings row, if it exists. */
export function selectRescueSettings(db: Db) {
  return db.selectFrom('rescue_settings').select(['name', 'tagline', 'updated_at']).executeTakeFirst();
}

/** Writes the single settings row (creating it if a rescue somehow lacks one). */
export async function upsertRescueSettings(db: Db, settings: RescueSettings): Promise<void> {
  const now = new Date();
  await db
    .insertInto('rescue_settings')
    .values({ name: settings.name, tagline: settings.tagline, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: settings.name, tagline: settings.tagline, updated_at: now }))
    .execute();
}
