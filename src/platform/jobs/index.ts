export { defineJob, defaultMaxAttempts, JobRegistry } from './jobs.registry.js';
export type { JobContext, JobDefinition, JobLogger, JobSource } from './jobs.registry.js';
export {
  enqueueJob,
  jobCounts,
  jobsDatabase,
  jobSource,
  JobPayloadError,
  listFailedJobs,
  retryFailedJob,
  UnknownJobError,
} from './jobs.service.js';
export type { EnqueueOptions } from './jobs.service.js';
export type { FailedJob, JobStatus } from './jobs.queries.js';
export { cronJobKey, enqueueDueCronJobs, nextTick, syncSchedules } from './jobs.schedules.js';
export { retryDelayMs } from './jobs.retry.js';
export { JobRunner } from './jobs.runner.js';
export type { JobRunnerOptions } from './jobs.runner.js';
