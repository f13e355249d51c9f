import { z } from 'zod';
import { unknownPlaceholders } from '../../platform/templates/placeholders.js';
import { placeholders, templateStatuses, type TemplateStatus } from './templates.render.js';

const known = Object.keys(placeholders).map((p) => `{{${p}}}`).join(', ');

/** Refuses text with placeholders Kona does not know, naming them and the ones it does. */
function onlyKnownPlaceholders(text: string, ctx: z.RefinementCtx) {
  const unknown = unknownPlaceholders(placeholders, text);
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `uses ${unknown.map((u) => `{{${u}}}`).join(', ')}, which Kona does not know. Use only ${known}.` });
  }
}

/** The status in a template page's URL. */
export const templateParamsSchema = z.object({ status: z.enum(templateStatuses as [TemplateStatus, ...TemplateStatus[]]) });

/** One template's edit form; `intent` says whether to save it or only show a preview. */
export const templateFormSchema = z.object({
  subject: z.string().trim().min(1, 'is required').max(300, 'must be at most 300 characters')
    .regex(/^[^\r\n]*$/, 'must be one line').superRefine(onlyKnownPlaceholders),
  body: z.string().trim().min(1, 'is required').max(10_000, 'must be at most 10,000 characters').superRefine(onlyKnownPlaceholders),
  enabled: z.string().optional().transform((v) => v === 'yes'),
  intent: z.enum(['save', 'preview']).default('save'),
});

/** A parsed template form. */
export type TemplateForm = z.infer<typeof templateFormSchema>;
