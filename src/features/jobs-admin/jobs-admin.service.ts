import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { jobCounts, listFailedJobs, retryFailedJob } from '../../platform/jobs/index.js';

/** What the jobs page shows: counts by status and the failed jobs (without payloads). */
export async function jobsOverview(db: Database<TenantSchema>) {
  return { counts: await jobCounts(db), failed: await listFailedJobs(db, 100) };
}

/** Queues a failed job of this rescue again with fresh attempts, and audits it. */
export async function retryJob(db: Database<TenantSchema>, id: string, actor: Actor): Promise<void> {
  if (!(await retryFailedJob(db, id))) throw notFound('That failed job');
  await recordAudit(db.kysely, { actor, action: 'job.retried', target: { type: 'job', id } });
}
