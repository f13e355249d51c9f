import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { CommonTables } from '../db/schema.js';

type Db = Kysely<CommonTables>;

/** A row of the jobs table. */
export type JobRow = Selectable<CommonTables['jobs']>;
/** A job's status. */
export type JobStatus = JobRow['status'];
/** A failed job as operators see it; the payload is left out because it may hold personal data. */
export type FailedJob = Pick<JobRow, 'id' | 'name' | 'attempts' | 'max_attempts' | 'last_error' | 'created_at' | 'finished_at'>;
/** The identity of one claimed run: later updates only apply while that run still holds the job. */
export interface JobClaim {
  id: string;
  attempts: number;
  workerId: string;
}

/** Inserts a job; with an idempotency key already used, inserts nothing and returns the existing id. */
export async function insertJob(
  db: Db,
  job: { name: string; payloadJson: string; maxAttempts: number; runAt?: Date; idempotencyKey?: string },
): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      name: job.name,
      payload: job.payloadJson,
      max_attempts: job.maxAttempts,
      run_at: job.runAt ?? sql<Date>`now()`,
      idempotency_key: job.idempotencyKey ?? null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db.selectFrom('jobs').select('id').where('idempotency_key', '=', job.idempotencyKey!).executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/** Claims the next due job for a worker in one statement; concurrent claimers skip locked rows. */
export async function claimNextJob(db: Db, workerId: string): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), locked_at: sql<Date>`now()`, locked_by: workerId }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('run_at', '<=', sql<Date>`now()`)
        .orderBy('run_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
}

// Every update of a claimed job checks it is still that run's: a job requeued as stale may be running elsewhere.
function heldBy(claim: JobClaim) {
  return (eb: ExpressionBuilder<CommonTables, 'jobs'>): Expression<SqlBool> =>
    eb.and([
      eb('id', '=', claim.id),
      eb('status', '=', 'running'),
      eb('attempts', '=', claim.attempts),
      eb('locked_by', '=', claim.workerId),
    ]);
}

/** Marks a claimed run succeeded; false if the run no longer held the job. */
export async function markJobSucceeded(db: Db, claim: JobClaim): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'succeeded', finished_at: sql<Date>`now()`, locked_at: null, locked_by: null })
    .where(heldBy(claim))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a failed run: queued again after `retryInMs`, or failed for good when it is null. */
export async function markJobFailed(db: Db, claim: JobClaim, error: string, retryInMs: number | null): Promise<boolean> {
  const outcome =
    retryInMs === null
      ? { status: 'failed', finished_at: sql<Date>`now()` }
      : // The database clock decides when a job is due, so the delay is added on its side too.
        { status: 'queued', run_at: sql<Date>`now() + ${Math.max(0, Math.round(retryInMs))} * interval '1 millisecond'` };
  const result = await db
    .updateTable('jobs')
    .set({ ...outcome, last_error: error, locked_at: null, locked_by: null })
    .where(heldBy(claim))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Puts a run the runner interrupted (shutdown) back in the queue without spending an attempt. */
export async function releaseJob(db: Db, claim: JobClaim): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', attempts: eb('attempts', '-', 1), run_at: sql<Date>`now()`, locked_at: null, locked_by: null }))
    .where(heldBy(claim))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Refreshes a running job's lock so it is not taken for stale while its handler is alive. */
export async function touchJob(db: Db, claim: JobClaim): Promise<void> {
  await db.updateTable('jobs').set({ locked_at: sql<Date>`now()` }).where(heldBy(claim)).execute();
}

/**
 * Takes back running jobs whose lock is older than `staleAfterMs` (their process died): queued again,
 * or failed when that run was the last attempt, so a job that kills its worker cannot loop forever.
 */
export async function requeueStaleJobs(db: Db, staleAfterMs: number): Promise<{ requeued: number; failed: number }> {
  const rows = await db
    .updateTable('jobs')
    .set({
      status: sql<string>`case when attempts >= max_attempts then 'failed' else 'queued' end`,
      finished_at: sql<Date | null>`case when attempts >= max_attempts then now() else null end`,
      last_error: 'The worker running this job stopped responding',
      run_at: sql<Date>`now()`,
      locked_at: null,
      locked_by: null,
    })
    .where('status', '=', 'running')
    .where('locked_at', '<', sql<Date>`now() - ${Math.round(staleAfterMs)} * interval '1 millisecond'`)
    .returning('status')
    .execute();
  const failed = rows.filter((r) => r.status === 'failed').length;
  return { requeued: rows.length - failed, failed };
}

/** Failed jobs, most recently failed first. */
export async function selectFailedJobs(db: Db, limit: number): Promise<FailedJob[]> {
  return db
    .selectFrom('jobs')
    .select(['id', 'name', 'attempts', 'max_attempts', 'last_error', 'created_at', 'finished_at'])
    .where('status', '=', 'failed')
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Queues a failed job again with fresh attempts; false if no failed job has that id. */
export async function requeueFailedJob(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: 0, run_at: sql<Date>`now()`, finished_at: null, locked_at: null, locked_by: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** How many jobs are in each status. */
export async function countJobsByStatus(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** Creates a schedule, or changes its cron (and next tick) when the expression changed. */
export async function upsertSchedule(db: Db, name: string, cron: string, nextRunAt: Date): Promise<void> {
  await db
    .insertInto('job_schedules')
    .values({ name, cron, next_run_at: nextRunAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ cron: (eb) => eb.ref('excluded.cron'), next_run_at: (eb) => eb.ref('excluded.next_run_at') })
        .where('job_schedules.cron', '<>', (eb) => eb.ref('excluded.cron')),
    )
    .execute();
}

/** Deletes schedules of jobs that no longer have one. */
export async function deleteSchedulesExcept(db: Db, keep: string[]): Promise<void> {
  let query = db.deleteFrom('job_schedules');
  if (keep.length > 0) query = query.where('name', 'not in', keep);
  await query.execute();
}

/** Schedules whose next tick has come; ticks are read at millisecond precision to match JS dates. */
export async function selectDueSchedules(db: Db): Promise<Array<{ name: string; cron: string; next_run_at: Date }>> {
  return db
    .selectFrom('job_schedules')
    .select(['name', 'cron', sql<Date>`date_trunc('milliseconds', next_run_at)`.as('next_run_at')])
    .where('next_run_at', '<=', sql<Date>`now()`)
    .execute();
}

/** Moves a schedule from the tick it was read at to the next; false if another runner moved it first. */
export async function advanceSchedule(db: Db, name: string, tick: Date, next: Date): Promise<boolean> {
  const result = await db
    .updateTable('job_schedules')
    .set({ next_run_at: next })
    .where('name', '=', name)
    .where(sql<Date>`date_trunc('milliseconds', next_run_at)`, '=', tick)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
