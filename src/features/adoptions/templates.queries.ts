import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { TemplateStatus } from './templates.render.js';

type Db = Kysely<TenantSchema>;

/** A stored template. */
export interface TemplateRow {
  status: TemplateStatus;
  subject: string;
  body: string;
  enabled: boolean;
}

/** Every stored template. */
export function selectTemplates(db: Db): Promise<TemplateRow[]> {
  return db.selectFrom('adoption_email_templates').select(['status', 'subject', 'body', 'enabled']).execute();
}

/** One status's template, if the rescue has one. */
export function selectTemplate(db: Db, status: TemplateStatus): Promise<TemplateRow | undefined> {
  return db.selectFrom('adoption_email_templates').select(['status', 'subject', 'body', 'enabled']).where('status', '=', status).executeTakeFirst();
}

/** Saves one status's template (creating it when the rescue had none for that status). */
export async function upsertTemplate(db: Db, row: TemplateRow): Promise<void> {
  await db.insertInto('adoption_email_templates').values(row)
    .onConflict((oc) => oc.column('status').doUpdateSet({ subject: row.subject, body: row.body, enabled: row.enabled }))
    .execute();
}

/** The name of a dog to show a preview with: the most recently changed dog, if the rescue has any. */
export async function selectSampleDogName(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('dogs').select('name').orderBy('updated_at', 'desc').limit(1).executeTakeFirst();
  return row?.name;
}
