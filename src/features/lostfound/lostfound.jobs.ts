/** Lost and found's daily job: `lostfound.sweep` deletes search photos older than KONA_LOSTFOUND_KEEP_DAYS. */
import { z } from 'zod';
import { defineJob, type JobDefinition } from '../../platform/jobs/index.js';
import { sweepSearchPhotos } from './lostfound.store.js';

/** Deletes search photos past the retention period (daily). */
export const lostFoundSweepJob = 'lostfound.sweep';

/** The job's definition: the photos live in one folder for every rescue, so only the control plane's run sweeps. */
export function lostFoundJobs(deps: { uploadsDir: string; now: () => number; keepDays: () => number }): JobDefinition<z.ZodType>[] {
  return [defineJob({
    name: lostFoundSweepJob,
    schema: z.object({}),
    cron: '23 3 * * *',
    handler: async (_payload, ctx) => {
      if (ctx.source.label !== 'control') return;
      const removed = await sweepSearchPhotos(deps.uploadsDir, deps.now(), deps.keepDays());
      if (removed.length) ctx.logger.info({ days: removed.length }, 'deleted lost-and-found search photos past their retention');
    },
  })] as JobDefinition<z.ZodType>[];
}
