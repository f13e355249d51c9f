/**
 * Lost and found's daily job: `lostfound.sweep` deletes search photos older than
 * KONA_LOSTFOUND_KEEP_DAYS, and in each rescue messages older than KONA_LOSTFOUND_MESSAGE_KEEP_DAYS.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { TenantSchema } from '../../platform/db/schema.js';
import { pruneContactAttempts } from './lostfound.limits.js';
import { defineJob, type JobDefinition } from '../../platform/jobs/index.js';
import { deleteContactsBefore } from './lostfound.queries.js';
import { sweepSearchPhotos } from './lostfound.store.js';

/** Deletes search photos past the retention period (daily). */
export const lostFoundSweepJob = 'lostfound.sweep';

/** The job's definition: the photos live in one folder for every rescue, so the control plane's run sweeps them; each rescue's run prunes its message counts. */
export function lostFoundJobs(deps: { uploadsDir: string; now: () => number; keepDays: () => number; messageKeepDays: () => number }): JobDefinition<z.ZodType>[] {
  return [defineJob({
    name: lostFoundSweepJob,
    schema: z.object({}),
    cron: '23 3 * * *',
    handler: async (_payload, ctx) => {
      if (ctx.source.label !== 'control') {
        // In a rescue's database: forget message counts that no longer count toward the limit, and old messages.
        const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
        await pruneContactAttempts(db, deps.now());
        const gone = await deleteContactsBefore(db, new Date(deps.now() - deps.messageKeepDays() * 86_400_000));
        if (gone) ctx.logger.info({ messages: gone }, 'deleted lost-and-found messages past their retention');
        return;
      }
      const removed = await sweepSearchPhotos(deps.uploadsDir, deps.now(), deps.keepDays());
      if (removed.length) ctx.logger.info({ days: removed.length }, 'deleted lost-and-found search photos past their retention');
    },
  })] as JobDefinition<z.ZodType>[];
}
