import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServerDatabase, createTestDatabase, engines } from '../../../test/harness/databases.js';
import { openPostgres, type Database } from '../db/driver.js';
import { migrateSet } from '../db/migrate.js';
import type { CommonTables, TenantSchema } from '../db/schema.js';
import { ManualClock, settle } from '../clock/clock.testing.js';
import { createLogger } from '../logging/logger.js';
import {
  defineJob,
  enqueueJob,
  jobCounts,
  JobRegistry,
  JobRunner,
  jobsDatabase,
  jobSource,
  listFailedJobs,
  retryDelayMs,
  retryFailedJob,
  syncSchedules,
  type JobLogger,
  type JobRunnerOptions,
} from './index.js';
import { insertJob } from './jobs.queries.js';
import { describeJobError } from './jobs.retry.js';

type Entry = { level: string; fields: Record<string, unknown>; message: string };

function recordingLogger(): JobLogger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void entries.push({ level, fields, message });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

function runnerFor(db: Database<TenantSchema>, registry: JobRegistry, options: Partial<JobRunnerOptions> = {}): JobRunner {
  return new JobRunner({ registry, sources: () => [jobSource('tenant-a', db)], logger: recordingLogger(), ...options });
}

async function job(db: Database<TenantSchema>, id: string) {
  return db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

// Moves a job's retry time into the past instead of waiting for it.
async function makeDue(db: Database<TenantSchema>, id: string): Promise<void> {
  await db.kysely.updateTable('jobs').set({ run_at: sql<Date>`now() - interval '1 second'` }).where('id', '=', id).execute();
}

async function secondsUntilRun(db: Database<TenantSchema>, id: string): Promise<number> {
  const row = await sql<{ s: number }>`select extract(epoch from run_at - now())::float8 as s from jobs where id = ${id}`.execute(db.kysely);
  return row.rows[0]!.s;
}

describe('retries and error text', () => {
  it('backs off exponentially with jitter, capped at an hour', () => {
    expect(retryDelayMs(1, () => 0)).toBe(1000);
    expect(retryDelayMs(1, () => 1)).toBe(2000);
    expect(retryDelayMs(3, () => 1)).toBe(8000);
    expect(retryDelayMs(40, () => 1)).toBe(3_600_000);
  });

  it('masks payload strings and truncates', () => {
    expect(describeJobError(new Error('no mail to ann@example.org'), { email: 'ann@example.org' })).toBe('Error: no mail to [payload]');
    expect(describeJobError(new Error('x'.repeat(5000)), {}).length).toBe(2000);
  });
});

describe('JobRegistry', () => {
  const noop = async () => {};
  it('names every declared job that has no handler', () => {
    const registry = new JobRegistry().register(defineJob({ name: 'photos.resize', schema: z.object({}), handler: noop }));
    expect(() => registry.assertComplete(['photos.resize'])).not.toThrow();
    expect(() => registry.assertComplete(['photos.resize', 'mail.send', 'vaccines.remind'])).toThrow(/"mail\.send", "vaccines\.remind"/);
  });

  it('refuses duplicates, bad cron expressions and cron jobs whose schema rejects {}', () => {
    const registry = new JobRegistry().register(defineJob({ name: 'a', schema: z.object({}), handler: noop }));
    expect(() => registry.register(defineJob({ name: 'a', schema: z.object({}), handler: noop }))).toThrow(/registered twice/);
    expect(() => registry.register(defineJob({ name: 'b', schema: z.object({}), cron: 'not cron', handler: noop }))).toThrow(/cron/);
    expect(() => registry.register(defineJob({ name: 'c', schema: z.object({ id: z.number() }), cron: '* * * * *', handler: noop }))).toThrow(/accept \{\}/);
  });

  it('accepts a pino logger as its logger', () => {
    const logger: JobLogger = createLogger('silent');
    expect(logger).toBeDefined();
  });
});

describe.each(engines)('jobs on %s', (engine) => {
  let db: Database<TenantSchema>;
  beforeAll(async () => {
    db = await createTestDatabase<TenantSchema>(engine);
    await migrateSet(db, 'tenant');
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await sql`truncate jobs, job_schedules restart identity`.execute(db.kysely);
  });

  it('enqueues once per idempotency key and refuses bad payloads', async () => {
    const registry = new JobRegistry().register(defineJob({ name: 'mail.send', schema: z.object({ to: z.string() }), handler: async () => {} }));
    const first = await enqueueJob(db, registry, 'mail.send', { to: 'a' }, { idempotencyKey: 'welcome:1' });
    const again = await enqueueJob(db, registry, 'mail.send', { to: 'a' }, { idempotencyKey: 'welcome:1' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect((await jobCounts(db)).queued).toBe(1);
    await expect(enqueueJob(db, registry, 'mail.send', { to: 7 })).rejects.toThrow(/job "mail\.send".*field "to"/);
    await expect(enqueueJob(db, registry, 'nope', {})).rejects.toThrow(/No job named "nope"/);
  });

  it('runs a job to success', async () => {
    const seen: unknown[] = [];
    const registry = new JobRegistry().register(
      defineJob({ name: 'dogs.index', schema: z.object({ dogId: z.number() }), handler: async (p, ctx) => void seen.push([p.dogId, ctx.jobId, ctx.attempt, ctx.source.label]) }),
    );
    const { id } = await enqueueJob(db, registry, 'dogs.index', { dogId: 4 });
    await runnerFor(db, registry).runOnce();
    expect(seen).toEqual([[4, id, 1, 'tenant-a']]);
    const row = await job(db, id);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, locked_by: null });
    expect(row.finished_at).toBeInstanceOf(Date);
  });

  it('retries a failing job with backoff, then fails it with the last error', async () => {
    let calls = 0;
    const registry = new JobRegistry().register(
      defineJob({ name: 'mail.send', schema: z.object({ to: z.string() }), maxAttempts: 3, handler: async (p) => {
        calls++;
        throw new Error(`SMTP refused ${p.to}`);
      } }),
    );
    const { id } = await enqueueJob(db, registry, 'mail.send', { to: 'ann@example.org' });
    const runner = runnerFor(db, registry);
    await runner.runOnce();
    expect(await job(db, id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await secondsUntilRun(db, id)).toBeGreaterThan(0.9);
    await runner.runOnce(); // not due yet: nothing runs
    expect(calls).toBe(1);
    await makeDue(db, id);
    await runner.runOnce();
    expect(await job(db, id)).toMatchObject({ status: 'queued', attempts: 2 });
    expect(await secondsUntilRun(db, id)).toBeGreaterThan(1.9);
    await makeDue(db, id);
    await runner.runOnce();
    const row = await job(db, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: 'Error: SMTP refused [payload]' });
    expect(calls).toBe(3);
    expect((await listFailedJobs(db)).map((f) => f.id)).toEqual([id]);
  });

  it('fails a job with a bad payload or an unknown name without retrying', async () => {
    let calls = 0;
    const registry = new JobRegistry().register(defineJob({ name: 'dogs.index', schema: z.object({ dogId: z.number() }), handler: async () => void calls++ }));
    const bad = await insertJob(jobsDatabase(db).kysely, { name: 'dogs.index', payloadJson: '{"dogId":"Rex"}', maxAttempts: 5 });
    const unknown = await insertJob(jobsDatabase(db).kysely, { name: 'gone.job', payloadJson: '{}', maxAttempts: 5 });
    await runnerFor(db, registry).runOnce();
    expect(calls).toBe(0);
    const badRow = await job(db, bad.id);
    expect(badRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(badRow.last_error).toMatch(/job "dogs\.index" is invalid: field "dogId"/);
    expect(badRow.last_error).not.toContain('Rex');
    expect(await job(db, unknown.id)).toMatchObject({ status: 'failed', last_error: 'No handler is registered for job "gone.job"' });
  });

  it('retries a failed job on request, which then runs', async () => {
    let calls = 0;
    const registry = new JobRegistry().register(
      defineJob({ name: 'ocr.scan', schema: z.object({}), maxAttempts: 1, handler: async () => {
        if (++calls === 1) throw 'scanner offline';
      } }),
    );
    const { id } = await enqueueJob(db, registry, 'ocr.scan', {});
    const runner = runnerFor(db, registry);
    await runner.runOnce();
    expect(await job(db, id)).toMatchObject({ status: 'failed', last_error: 'Non-error thrown: scanner offline' });
    expect(await retryFailedJob(db, id)).toBe(true);
    expect(await retryFailedJob(db, id)).toBe(false);
    expect(await retryFailedJob(db, '987654')).toBe(false);
    expect(await retryFailedJob(db, 'not-an-id')).toBe(false);
    await runner.runOnce();
    expect(await job(db, id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('survives a restart: a stale running job is taken back and run, a fresh one is left alone', async () => {
    const ran: string[] = [];
    const registry = new JobRegistry().register(defineJob({ name: 'a', schema: z.object({}), handler: async (_, ctx) => void ran.push(ctx.jobId) }));
    const stale = await enqueueJob(db, registry, 'a', {});
    const live = await enqueueJob(db, registry, 'a', {});
    const hold = (id: string, ago: string) =>
      db.kysely.updateTable('jobs').set({ status: 'running', attempts: 1, locked_by: 'dead-worker', locked_at: sql<Date>`now() - ${ago}::interval` }).where('id', '=', id).execute();
    await hold(stale.id, '1 hour');
    await hold(live.id, '1 second');
    await runnerFor(db, registry, { staleAfterMs: 60_000 }).runOnce();
    expect(ran).toEqual([stale.id]);
    expect(await job(db, stale.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await job(db, live.id)).toMatchObject({ status: 'running', locked_by: 'dead-worker' });
  });

  it('queues exactly one job for a due cron tick even when two runners poll', async () => {
    let calls = 0;
    const registry = new JobRegistry().register(defineJob({ name: 'vaccines.remind', schema: z.object({}), cron: '0 * * * *', handler: async () => void calls++ }));
    await runnerFor(db, registry).runOnce();
    expect(calls).toBe(0); // the first tick is in the future
    // Microseconds on purpose: the tick must still compare equal after a round trip through a JS Date.
    await sql`update job_schedules set next_run_at = now() - interval '3 hours 0.123456 seconds'`.execute(db.kysely);
    await Promise.all([runnerFor(db, registry).runOnce(), runnerFor(db, registry).runOnce()]);
    expect(calls).toBe(1);
    const jobs = await db.kysely.selectFrom('jobs').select(['name', 'idempotency_key', 'status']).execute();
    expect(jobs).toEqual([{ name: 'vaccines.remind', idempotency_key: expect.stringMatching(/^cron:vaccines\.remind:\d{4}-/), status: 'succeeded' }]);
    const { rows } = await sql<{ ahead: boolean }>`select next_run_at > now() as ahead from job_schedules`.execute(db.kysely);
    expect(rows).toEqual([{ ahead: true }]);

    const changed = new JobRegistry().register(defineJob({ name: 'vaccines.remind', schema: z.object({}), cron: '0 6 * * *', handler: async () => {} }));
    await syncSchedules(jobsDatabase(db), changed);
    expect(await db.kysely.selectFrom('job_schedules').select('cron').execute()).toEqual([{ cron: '0 6 * * *' }]);
  });

  it('keeps polling the other databases when one is down', async () => {
    let calls = 0;
    const registry = new JobRegistry().register(defineJob({ name: 'a', schema: z.object({}), handler: async () => void calls++ }));
    await enqueueJob(db, registry, 'a', {});
    const down = openPostgres<CommonTables>('postgres://kona:none@127.0.0.1:9/none');
    const logger = recordingLogger();
    try {
      const runner = new JobRunner({ registry, logger, sources: () => [{ label: 'down', db: down }, jobSource('up', db)] });
      await runner.runOnce();
    } finally {
      await down.close();
    }
    expect(calls).toBe(1);
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'error', fields: expect.objectContaining({ source: 'down' }) }));
  });

  it('on stop, aborts a handler past the grace period and queues its job again without spending an attempt', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const registry = new JobRegistry().register(
      defineJob({ name: 'slow', schema: z.object({}), handler: (_, ctx) => new Promise<void>((_, reject) => {
        started();
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      }) }),
    );
    const { id } = await enqueueJob(db, registry, 'slow', {});
    const clock = new ManualClock(Date.now());
    const runner = runnerFor(db, registry, { pollMs: 20, graceMs: 100, clock });
    runner.start();
    await running;
    const stopping = runner.stop();
    clock.advance(99);
    await settle();
    expect(await job(db, id)).toMatchObject({ status: 'running' }); // still within the grace period
    clock.advance(1);
    await stopping;
    expect(await job(db, id)).toMatchObject({ status: 'queued', attempts: 0, locked_by: null });
  });
});

describe('two runners on one PostgreSQL database', () => {
  let server: { url: string; drop(): Promise<void> };
  const pools: Database<TenantSchema>[] = [];
  beforeAll(async () => {
    server = await createServerDatabase();
    pools.push(openPostgres<TenantSchema>(server.url), openPostgres<TenantSchema>(server.url));
    await migrateSet(pools[0]!, 'tenant');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await server.drop();
  });

  it('never runs the same job twice', async () => {
    const runs = new Map<string, number>();
    const registry = new JobRegistry().register(
      defineJob({ name: 'a', schema: z.object({ n: z.number() }), handler: async (_, ctx) => {
        runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
        await settle(); // give the other runner a turn while this job holds its lock
      } }),
    );
    for (let n = 0; n < 20; n++) await enqueueJob(pools[0]!, registry, 'a', { n });
    const runners = pools.map((pool, i) => runnerFor(pool, registry, { concurrency: 3, workerId: `runner-${i}` }));
    await Promise.all(runners.map((r) => r.runOnce()));
    expect(runs.size).toBe(20);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(await jobCounts(pools[0]!)).toEqual({ queued: 0, running: 0, succeeded: 20, failed: 0 });
  });
});
