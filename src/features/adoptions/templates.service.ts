import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { selectSampleDogName, selectTemplate, selectTemplates, upsertTemplate, type TemplateRow } from './templates.queries.js';
import { renderTemplate, sampleValues, templateStatuses, type TemplateStatus } from './templates.render.js';
import type { TemplateForm } from './templates.schema.js';

type Db = Kysely<TenantSchema>;

/** A template as the pages show it; `stored` is false for a status the rescue has no template for yet. */
export interface TemplateView extends TemplateRow {
  stored: boolean;
}

const missing = (status: TemplateStatus): TemplateView => ({ status, subject: '', body: '', enabled: false, stored: false });

/** Every status's template in page order, stored or not. */
export async function listTemplates(db: Db): Promise<TemplateView[]> {
  const rows = new Map((await selectTemplates(db)).map((r) => [r.status, r]));
  return templateStatuses.map((s) => {
    const row = rows.get(s);
    return row ? { ...row, stored: true } : missing(s);
  });
}

/** One status's template, stored or not. */
export async function getTemplate(db: Db, status: TemplateStatus): Promise<TemplateView> {
  const row = await selectTemplate(db, status);
  return row ? { ...row, stored: true } : missing(status);
}

/** Saves a template and audits it (the status and whether it is on; never the text). */
export async function saveTemplate(db: Db, status: TemplateStatus, form: Pick<TemplateForm, 'subject' | 'body' | 'enabled'>, actor: Actor): Promise<{ changed: boolean }> {
  const current = await selectTemplate(db, status);
  const next = { status, subject: form.subject, body: form.body, enabled: form.enabled };
  if (current && current.subject === next.subject && current.body === next.body && current.enabled === next.enabled) return { changed: false };
  await db.transaction().execute(async (tx) => {
    await upsertTemplate(tx, next);
    await recordAudit(tx, { actor, action: 'adoption.template_saved', target: { type: 'adoption_email_template', id: status }, detail: { enabled: next.enabled } });
  });
  return { changed: true };
}

/** How a template reads for a made-up applicant and a dog of the rescue. */
export interface TemplatePreview {
  dogName: string;
  subject: string;
  text: string;
}

/** Renders a template for the preview: the rescue's latest dog (or a made-up one) and a made-up applicant. */
export async function previewTemplate(db: Db, template: { subject: string; body: string }, rescueName: string): Promise<TemplatePreview> {
  const dogName = (await selectSampleDogName(db)) ?? 'Buddy';
  return { dogName, ...renderTemplate(template, sampleValues(dogName, rescueName)) };
}
