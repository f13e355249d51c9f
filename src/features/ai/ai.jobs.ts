/**
 * The batch side of alt text: every ten minutes, each rescue's approved photos that have no alt text
 * and no draft yet get one (batch priority, the batch deadline), up to a bounded number a run, so a
 * big upload is worked through over several runs instead of filling the model queue at once.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DispatcherClient } from '../../inference/client.js';
import type { Config } from '../../platform/config/config.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { defineJob, type JobDefinition } from '../../platform/jobs/index.js';
import { dayIn } from '../../platform/locale/index.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { selectPhotosWantingAltText } from './ai.queries.js';
import { aiRuntimeFrom } from './ai.runtime.js';
import { draftAltText } from './ai.service.js';
import { extractDocumentDraft } from './ai.extract.service.js';

/** The job's name. */
export const altTextJob = 'ai.alt-text';
/** The job that reads one uploaded vet document into proposed medical entries (batch). */
export const extractDocumentJob = 'ai.extract-document';
/** Its payload: the document and its dog. */
export const extractDocumentPayload = z.object({ dogId: z.uuid(), documentId: z.uuid() });
/** Photos drafted per rescue per run. */
export const altTextBatchSize = 20;

/** What the job needs from the process. */
export interface AiJobDeps {
  config: Config;
  keyRing: () => KeyRing;
  inference: () => DispatcherClient | undefined;
  /** The process's clock (ms since the epoch): ages in the record's facts count to its day in the rescue's time zone. */
  now: () => number;
}

/** The rescue's calendar day by the process's clock, in the rescue's time zone. */
async function rescueDay(db: Kysely<TenantSchema>, deps: AiJobDeps): Promise<string> {
  const zone = (await db.selectFrom('rescue_settings').select('time_zone').executeTakeFirst())?.time_zone;
  return dayIn(new Date(deps.now()), zone ?? 'UTC');
}

/** Drafts alt text for up to `limit` waiting photos of one rescue; returns how many were drafted. */
export async function draftWaitingAltText(db: Kysely<TenantSchema>, slug: string, deps: AiJobDeps, limit = altTextBatchSize): Promise<number> {
  const rt = aiRuntimeFrom(deps.config, deps.inference(), slug);
  const today = await rescueDay(db, deps);
  const aiDeps = { db, ring: deps.keyRing(), rt, actor: { type: 'system' as const }, today, store: photoStoreFor(deps.config.uploadsDir, slug) };
  const photos = await selectPhotosWantingAltText(db, limit);
  for (const p of photos) await draftAltText(aiDeps, p.dog_id, p.id);
  return photos.length;
}

/** The AI jobs' definitions: alt text (cron) and document reading (queued per upload). */
export function aiJobs(deps: AiJobDeps): JobDefinition<z.ZodType>[] {
  return [defineJob({
    name: extractDocumentJob,
    schema: extractDocumentPayload,
    // A second attempt covers a worker that died mid-reading; a document that cannot be read is a draft, not a failure.
    maxAttempts: 2,
    handler: async (payload, ctx) => {
      if (ctx.source.label === 'control') return;
      const slug = ctx.source.label;
      const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
      const rt = aiRuntimeFrom(deps.config, deps.inference(), slug);
      try {
        await extractDocumentDraft({ db, ring: deps.keyRing(), rt, actor: { type: 'system' }, today: await rescueDay(db, deps), store: photoStoreFor(deps.config.uploadsDir, slug) }, payload.dogId, payload.documentId);
      } catch (err) {
        // Deleted before its turn came: nothing to read, nothing to retry.
        if ((err as { code?: string }).code === 'KONA_ERR_NOT_FOUND') return ctx.logger.info({}, 'the document was deleted before it was read');
        throw err;
      }
    },
  }), defineJob({
    name: altTextJob,
    schema: z.object({}),
    cron: '*/10 * * * *',
    handler: async (_payload, ctx) => {
      if (ctx.source.label === 'control') return;
      const drafted = await draftWaitingAltText(ctx.source.db.kysely as unknown as Kysely<TenantSchema>, ctx.source.label, deps);
      if (drafted) ctx.logger.info({ drafted }, 'alt text drafted for approved photos');
    },
  })];
}
