import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

/**
 * settings.json: the rescue's settings row (every column, so a setting added later is exported
 * without a change here) and what the rescue wrote to run adoptions: the application form's
 * questions, the decision emails and the contract template. A few dozen rows at most, read whole.
 */
export async function settingsJson(db: Kysely<TenantSchema>): Promise<string> {
  const row = await db.selectFrom('rescue_settings').selectAll().executeTakeFirst();
  const { id: _single, ...settings } = row ?? { id: true };
  const document = {
    settings,
    application_questions: await db.selectFrom('application_questions').selectAll().orderBy('position').orderBy('created_at').execute(),
    adoption_email_templates: await db.selectFrom('adoption_email_templates').selectAll().orderBy('status').execute(),
    adoption_contract_template: (await db.selectFrom('adoption_contract_template').select(['body', 'updated_by', 'updated_at']).executeTakeFirst()) ?? null,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
