/**
 * Matching's jobs. `matching.embed-photo` embeds one photo after it is approved (queued through the
 * photos feature's hook). `matching.reembed` keeps every approved photo embedded by the embedder in
 * use: each run embeds one batch of photos lacking its vector and queues the next run until none
 * are left, then removes the vectors of other models. It also runs every 15 minutes, so a changed
 * KONA_MATCHING_MODEL (or a missed approval) is picked up without anyone asking, and so is pgvector
 * installed on a server after the rescue's database was migrated without it.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { defineJob, enqueueJob, type JobDefinition, type JobRegistry } from '../../platform/jobs/index.js';
import { photoStoreFor } from '../photos/photos.public.js';
import type { ImageEmbedder } from './embedder.js';
import { ensureEmbeddingsTable, hasEmbeddingsTable } from './matching.queries.js';
import { embedPhoto, reembedBatch } from './matching.service.js';

/** Embeds one approved photo (batch). */
export const embedPhotoJob = 'matching.embed-photo';
/** Re-embeds approved photos lacking the current model's vector, one batch a run (batch). */
export const reembedJob = 'matching.reembed';
/** Photos a re-embed run takes. */
export const reembedBatchSize = 50;

/** What the jobs need from the process. */
export interface MatchingJobDeps {
  uploadsDir: string;
  /** The embedder the settings name (throws, with the fix in its message, if it cannot be made). */
  embedder: () => ImageEmbedder;
  jobs: () => JobRegistry;
  /** Photos a re-embed run takes (default {@link reembedBatchSize}). */
  batchSize?: number;
}

/** The matching jobs' definitions. */
export function matchingJobs(deps: MatchingJobDeps): JobDefinition<z.ZodType>[] {
  return [defineJob({
    name: embedPhotoJob,
    schema: z.object({ photoId: z.uuid() }),
    maxAttempts: 3,
    handler: async (payload, ctx) => {
      if (ctx.source.label === 'control') return;
      const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
      if (!(await hasEmbeddingsTable(db))) return ctx.logger.info({}, 'photo matching is unavailable here (no pgvector): photo not embedded');
      try {
        const stored = await embedPhoto({ db, store: photoStoreFor(deps.uploadsDir, ctx.source.label), embedder: deps.embedder() }, payload.photoId);
        if (!stored) ctx.logger.info({}, 'the photo was no longer approved: nothing embedded');
      } catch (err) {
        // A photo that cannot be decoded will not decode on a retry either.
        if (err instanceof KonaError && err.status < 500) return ctx.logger.warn({ code: err.code }, 'the photo could not be embedded');
        throw err;
      }
    },
  }), defineJob({
    name: reembedJob,
    schema: z.object({}),
    cron: '*/15 * * * *',
    maxAttempts: 5,
    handler: async (_payload, ctx) => {
      if (ctx.source.label === 'control') return;
      const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
      // pgvector may have been installed since the rescue's database was migrated: the table comes then.
      if (!(await ensureEmbeddingsTable(db))) return;
      const embedder = deps.embedder();
      const run = await reembedBatch({ db, store: photoStoreFor(deps.uploadsDir, ctx.source.label), embedder }, deps.batchSize ?? reembedBatchSize);
      if (run.embedded > 0 || run.removed > 0) ctx.logger.info({ model: embedder.modelId, embedded: run.embedded, removed: run.removed }, 're-embedding ran a batch');
      // Only while a run makes progress: photos that cannot be read must not chain runs forever (the cron retries them).
      if (!run.done && run.embedded > 0) await enqueueJob(ctx.source.db, deps.jobs(), reembedJob, {});
    },
  })] as JobDefinition<z.ZodType>[];
}
