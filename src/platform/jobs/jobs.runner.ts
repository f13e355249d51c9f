import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { every, systemClock, type Clock, type TimerHandle } from '../clock/clock.js';
import type { Database } from '../db/driver.js';
import type { CommonTables } from '../db/schema.js';
import * as q from './jobs.queries.js';
import type { JobContext, JobLogger, JobRegistry, JobSource } from './jobs.registry.js';
import { describeJobError, retryDelayMs } from './jobs.retry.js';
import { enqueueDueCronJobs, syncSchedules } from './jobs.schedules.js';
import { issueFields, JobPayloadError } from './jobs.service.js';

/** How a {@link JobRunner} finds its work and how hard it works. */
export interface JobRunnerOptions {
  registry: JobRegistry;
  /** Called on every poll, so databases (new tenants) can be added while running. */
  sources: () => JobSource[];
  logger: JobLogger;
  /** Written to `locked_by`; unique per runner. */
  workerId?: string;
  pollMs?: number;
  /** Jobs run at the same time per database. */
  concurrency?: number;
  /** A running job whose lock is this old belonged to a dead process and is taken back. */
  staleAfterMs?: number;
  /** How long stop() lets handlers finish before aborting their signal. */
  graceMs?: number;
  /** Delay before the retry after a failed attempt (tests pass their own). */
  retryDelay?: (attempt: number) => number;
  /**
   * Time for the poll cadence, lock heartbeats, the stop grace, cron ticks and failure-log pacing
   * (default: the system clock). Run times and lock ages are the database's `now()`.
   */
  clock?: Clock;
}

type Db = Database<CommonTables>;

/** Polls a set of databases and runs their due jobs, retries and cron schedules. */
export class JobRunner {
  readonly workerId: string;
  readonly #o: Required<Omit<JobRunnerOptions, 'workerId'>>;
  #timer: TimerHandle | undefined;
  #stopping = false;
  readonly #housekeeping = new Map<Db, Promise<void>>();
  readonly #workers = new Map<Db, Set<Promise<void>>>();
  readonly #inFlight = new Set<AbortController>();
  readonly #synced = new WeakSet<Db>();
  readonly #lastFailureLog = new Map<string, number>();

  constructor(options: JobRunnerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#o = {
      pollMs: 1000,
      concurrency: 1,
      staleAfterMs: 10 * 60 * 1000,
      graceMs: 30_000,
      retryDelay: retryDelayMs,
      clock: systemClock,
      ...options,
    };
  }

  /** Starts polling every `pollMs`; returns at once. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#stopping = false;
    const tick = () => {
      for (const source of this.#sources()) void this.#poll(source);
      this.#timer = this.#o.clock.setTimer(tick, this.#o.pollMs);
    };
    tick();
  }

  /** Stops claiming, waits up to the grace period for running handlers, then aborts them. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#o.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    if (await settlesWithin(this.#o.clock, this.#everything(), this.#o.graceMs)) return;
    for (const controller of this.#inFlight) controller.abort(new Error('The job runner is stopping'));
    // A handler that ignores its signal stays `running` and is taken back as stale later.
    await settlesWithin(this.#o.clock, this.#everything(), 2000);
  }

  /** Runs everything due now in every source and resolves when it is all done (no timers). */
  async runOnce(): Promise<void> {
    await Promise.all(
      this.#sources().map(async (source) => {
        await this.#poll(source);
        const workers = this.#workers.get(source.db);
        while (workers && workers.size > 0) await Promise.allSettled([...workers]);
      }),
    );
  }

  #sources(): JobSource[] {
    try {
      return this.#o.sources();
    } catch (err) {
      this.#o.logger.error({ err: errorText(err) }, 'Could not list the databases to poll for jobs');
      return [];
    }
  }

  #everything(): Promise<unknown> {
    const workers = [...this.#workers.values()].flatMap((set) => [...set]);
    return Promise.allSettled([...this.#housekeeping.values(), ...workers]);
  }

  // Housekeeping runs once at a time per database; then idle worker slots are filled.
  #poll(source: JobSource): Promise<void> {
    const running = this.#housekeeping.get(source.db);
    if (running) return running;
    const done = this.#housekeep(source)
      .then(() => this.#fillWorkers(source))
      .catch((err: unknown) => this.#pollFailed(source, err))
      .finally(() => this.#housekeeping.delete(source.db));
    this.#housekeeping.set(source.db, done);
    return done;
  }

  async #housekeep({ label, db }: JobSource): Promise<void> {
    if (!this.#synced.has(db)) {
      await syncSchedules(db, this.#o.registry, new Date(this.#o.clock.now()));
      this.#synced.add(db);
    }
    const stale = await q.requeueStaleJobs(db.kysely, this.#o.staleAfterMs);
    if (stale.requeued + stale.failed > 0) this.#o.logger.warn({ source: label, ...stale }, 'Took back jobs from a worker that stopped');
    const queued = await enqueueDueCronJobs(db, this.#o.registry, new Date(this.#o.clock.now()));
    if (queued.length > 0) this.#o.logger.info({ source: label, jobs: queued }, 'Queued scheduled jobs');
  }

  #fillWorkers(source: JobSource): void {
    let workers = this.#workers.get(source.db);
    if (!workers) this.#workers.set(source.db, (workers = new Set()));
    while (workers.size < this.#o.concurrency && !this.#stopping) {
      const worker: Promise<void> = this.#work(source).finally(() => workers.delete(worker));
      workers.add(worker);
    }
  }

  async #work(source: JobSource): Promise<void> {
    try {
      while (!this.#stopping) {
        const job = await q.claimNextJob(source.db.kysely, this.workerId);
        if (!job) return;
        await this.#run(source, job);
      }
    } catch (err) {
      this.#pollFailed(source, err);
    }
  }

  async #run(source: JobSource, job: q.JobRow): Promise<void> {
    const claim = { id: job.id, attempts: job.attempts, workerId: this.workerId };
    const fields = { source: source.label, job: job.name, jobId: job.id, attempt: job.attempts };
    const def = this.#o.registry.get(job.name);
    if (!def) return this.#failForGood(source, claim, fields, `No handler is registered for job "${job.name}"`);
    const parsed = def.schema.safeParse(job.payload);
    if (!parsed.success) return this.#failForGood(source, claim, fields, new JobPayloadError(job.name, issueFields(parsed.error)).message);

    const controller = new AbortController();
    this.#inFlight.add(controller);
    const stopHeartbeat = every(this.#o.clock, Math.max(1000, this.#o.staleAfterMs / 3), () => void q.touchJob(source.db.kysely, claim).catch(() => {}), { unref: true });
    const ctx: JobContext = { jobId: job.id, attempt: job.attempts, logger: withFields(this.#o.logger, fields), signal: controller.signal, source };
    try {
      await def.handler(parsed.data, ctx);
      if (!(await q.markJobSucceeded(source.db.kysely, claim))) this.#o.logger.warn(fields, 'Job finished after its lock was taken back');
    } catch (err) {
      if (controller.signal.aborted && this.#stopping) {
        await q.releaseJob(source.db.kysely, claim);
        this.#o.logger.warn(fields, 'Job interrupted by shutdown; queued again');
        return;
      }
      const retry = job.attempts < job.max_attempts ? this.#o.retryDelay(job.attempts) : null;
      const error = describeJobError(err, job.payload);
      await q.markJobFailed(source.db.kysely, claim, error, retry);
      this.#o.logger.warn({ ...fields, err: error, retryInMs: retry }, retry === null ? 'Job failed for good' : 'Job failed; will retry');
    } finally {
      stopHeartbeat();
      this.#inFlight.delete(controller);
    }
  }

  async #failForGood(source: JobSource, claim: q.JobClaim, fields: Record<string, unknown>, error: string): Promise<void> {
    await q.markJobFailed(source.db.kysely, claim, error, null);
    this.#o.logger.error({ ...fields, err: error }, 'Job failed without running');
  }

  // A database that is down would log on every poll; once a minute is enough to be noticed.
  #pollFailed(source: JobSource, err: unknown): void {
    const now = this.#o.clock.now();
    if (now - (this.#lastFailureLog.get(source.label) ?? 0) < 60_000) return;
    this.#lastFailureLog.set(source.label, now);
    this.#o.logger.error({ source: source.label, err: errorText(err) }, 'Polling this database for jobs failed; will keep trying');
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withFields(logger: JobLogger, fields: Record<string, unknown>): JobLogger {
  return {
    info: (extra, message) => logger.info({ ...fields, ...extra }, message),
    warn: (extra, message) => logger.warn({ ...fields, ...extra }, message),
    error: (extra, message) => logger.error({ ...fields, ...extra }, message),
  };
}

async function settlesWithin(clock: Clock, promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: TimerHandle;
  const timeout = new Promise<false>((resolve) => (timer = clock.setTimer(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clock.clearTimer(timer);
  }
}
