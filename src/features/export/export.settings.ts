import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

/**
 * The rescue's settings row as settings.json: every column, so a setting added later is exported
 * without a change here (times as ISO strings).
 */
export async function settingsJson(db: Kysely<TenantSchema>): Promise<string> {
  const row = await db.selectFrom('rescue_settings').selectAll().executeTakeFirst();
  const { id: _single, ...settings } = row ?? { id: true };
  return `${JSON.stringify(settings, null, 2)}\n`;
}
