import type { z } from 'zod';
import type { Database } from '../db/driver.js';
import type { CommonTables } from '../db/schema.js';
import * as q from './jobs.queries.js';
import { defaultMaxAttempts, type JobRegistry, type JobSource } from './jobs.registry.js';

/** A payload that does not match its job's schema; the message names the job and the fields. */
export class JobPayloadError extends Error {
  override name = 'JobPayloadError';
  constructor(
    readonly job: string,
    readonly fields: Record<string, string>,
  ) {
    super(
      `Payload for job "${job}" is invalid: ${Object.entries(fields)
        .map(([field, message]) => `field "${field}": ${message}`)
        .join('; ')}`,
    );
  }
}

/** Raised when a job name has no definition in the registry. */
export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
  constructor(readonly job: string) {
    super(`No job named "${job}" is registered`);
  }
}

/** Options for {@link enqueueJob}. */
export interface EnqueueOptions {
  /** Enqueuing the same key again creates nothing and returns the first job's id. */
  idempotencyKey?: string;
  runAt?: Date;
}

/** Views any database that holds the job tables (control plane or tenant) as just those tables. */
export function jobsDatabase<S extends CommonTables>(db: Database<S>): Database<CommonTables> {
  // Safe: S has every table of CommonTables; Kysely's generic is only invariant on paper.
  return db as unknown as Database<CommonTables>;
}

/** A {@link JobSource} for the runner from any database that holds the job tables. */
export function jobSource<S extends CommonTables>(label: string, db: Database<S>): JobSource {
  return { label, db: jobsDatabase(db) };
}

/** Checks a payload against a job's schema, as the handler will receive it (after a JSON round trip). */
export function parsePayload(registry: JobRegistry, name: string, payload: unknown): { data: unknown; json: string } {
  const def = registry.get(name);
  if (!def) throw new UnknownJobError(name);
  const json = JSON.stringify(payload ?? {});
  const parsed = def.schema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new JobPayloadError(name, issueFields(parsed.error));
  return { data: parsed.data, json };
}

/** Zod issues as field → message; values are left out so no payload content reaches logs. */
export function issueFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)';
    fields[field] ??= issue.message;
  }
  return fields;
}

/** Validates and queues a job in the given database; returns its id and whether it is new. */
export async function enqueueJob<S extends CommonTables>(
  db: Database<S>,
  registry: JobRegistry,
  name: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<{ id: string; created: boolean }> {
  const { json } = parsePayload(registry, name, payload);
  return q.insertJob(jobsDatabase(db).kysely, {
    name,
    payloadJson: json,
    maxAttempts: registry.get(name)!.maxAttempts ?? defaultMaxAttempts,
    ...(options.runAt ? { runAt: options.runAt } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
}

/** Failed jobs, most recent first, without their payloads. */
export async function listFailedJobs<S extends CommonTables>(db: Database<S>, limit = 50): Promise<q.FailedJob[]> {
  return q.selectFailedJobs(jobsDatabase(db).kysely, limit);
}

/** Queues a failed job again with fresh attempts; false if there is no failed job with that id. */
export async function retryFailedJob<S extends CommonTables>(db: Database<S>, id: string): Promise<boolean> {
  if (!/^\d{1,19}$/.test(id)) return false;
  return q.requeueFailedJob(jobsDatabase(db).kysely, id);
}

/** How many jobs are queued, running, succeeded and failed (for health pages and metrics). */
export async function jobCounts<S extends CommonTables>(db: Database<S>): Promise<Record<q.JobStatus, number>> {
  return q.countJobsByStatus(jobsDatabase(db).kysely);
}
