import { z } from 'zod';
import { slugSchema } from '../../platform/tenancy/tenants.schema.js';
import { jobLayerNames } from '../../ops/backup/backup.public.js';

/** The operator sign-in form. `next` is where to go afterwards (checked to stay inside the console). */
export const operatorSignInSchema = z.object({
  username: z.string().trim().min(1, 'is required').max(64, 'is too long'),
  password: z.string().min(1, 'is required').max(200, 'is too long'),
  next: z.string().max(500).optional(),
});

/** The rescue a console action is about, taken from the URL. */
export const rescueParamsSchema = z.object({ slug: slugSchema });

/** The console home's query: which rescue was just switched (redirect-after-POST), to confirm it. */
export const consoleQuerySchema = z.object({ changed: slugSchema.optional().catch(undefined) });

/** The console's home. */
export const consoleHome = '/operator';

/** Only a path inside the console (not the sign-in page itself) is a safe place to go after sign-in. */
export function safeOperatorNext(next: string | undefined): string {
  if (!next || /[\\\r\n]/.test(next) || next.startsWith('/operator/sign-')) return consoleHome;
  return next === consoleHome || next.startsWith(`${consoleHome}/`) || next.startsWith(`${consoleHome}?`) ? next : consoleHome;
}

/** The layer a console "Run now" is about, taken from the URL: only layers the job system runs. */
export const backupLayerParamsSchema = z.object({ layer: z.enum(jobLayerNames) });

/** The Backups page's query: which layer was just queued (redirect-after-POST), and whether it was new. */
export const backupsQuerySchema = z.object({
  queued: z.enum(jobLayerNames).optional().catch(undefined),
  again: z.literal('1').optional().catch(undefined),
});
