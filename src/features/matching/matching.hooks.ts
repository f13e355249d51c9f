/**
 * The photos feature's review hooks as matching answers them (wired in src/apps/routes.ts): an
 * approval queues the embedding as a batch job (never run in the request), a rejection forgets the
 * photo's vectors at once. A deletion needs no hook: the vectors go with the row (FK cascade).
 */
import { enqueueJob } from '../../platform/jobs/index.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import { embedPhotoJob } from './matching.jobs.js';
import { hasEmbeddingsTable } from './matching.queries.js';
import { forgetPhoto } from './matching.service.js';

/** Queues the embedding of an approved photo (nothing where pgvector is missing). */
export async function queuePhotoEmbedding(request: StaffRequest, _dogId: string, photoId: string): Promise<void> {
  if (!(await hasEmbeddingsTable(request.tenant.db.kysely))) return;
  await enqueueJob(request.tenant.db, request.server.kona.ctx.jobs, embedPhotoJob, { photoId });
}

/** Removes a rejected photo's vectors, so it can never be a candidate. */
export async function forgetRejectedPhoto(request: StaffRequest, _dogId: string, photoId: string): Promise<void> {
  await forgetPhoto(request.tenant.db.kysely, photoId);
}
