import { CronExpressionParser } from 'cron-parser';
import type { Database } from '../db/driver.js';
import type { CommonTables } from '../db/schema.js';
import * as q from './jobs.queries.js';
import { defaultMaxAttempts, type JobRegistry } from './jobs.registry.js';

/** The first tick of a UTC cron expression strictly after `after`. */
export function nextTick(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: 'UTC' }).next().toDate();
}

/** The idempotency key of one scheduled run: the same tick can only ever be queued once. */
export function cronJobKey(name: string, tick: Date): string {
  return `cron:${name}:${tick.toISOString()}`;
}

/** Makes the database's schedules match the registry: adds missing ones, updates changed crons, drops removed ones. */
export async function syncSchedules(db: Database<CommonTables>, registry: JobRegistry, now = new Date()): Promise<void> {
  const scheduled = registry.all().filter((def) => def.cron !== undefined);
  for (const def of scheduled) await q.upsertSchedule(db.kysely, def.name, def.cron!, nextTick(def.cron!, now));
  await q.deleteSchedulesExcept(
    db.kysely,
    scheduled.map((def) => def.name),
  );
}

/**
 * Queues one job for every schedule whose tick has come and moves the schedule to its next tick.
 * Queue first, then advance: the tick's idempotency key makes a second queueing a no-op, so a crash
 * between the two steps repeats nothing and loses nothing. Missed ticks collapse into one run.
 */
export async function enqueueDueCronJobs(db: Database<CommonTables>, registry: JobRegistry, now = new Date()): Promise<string[]> {
  const queued: string[] = [];
  for (const schedule of await q.selectDueSchedules(db.kysely)) {
    const def = registry.get(schedule.name);
    // A schedule this process has no handler for belongs to another version (rolling deploy): leave it.
    if (!def) continue;
    const { created } = await q.insertJob(db.kysely, {
      name: def.name,
      payloadJson: '{}',
      maxAttempts: def.maxAttempts ?? defaultMaxAttempts,
      idempotencyKey: cronJobKey(def.name, schedule.next_run_at),
    });
    if (created) queued.push(def.name);
    const from = now > schedule.next_run_at ? now : schedule.next_run_at;
    await q.advanceSchedule(db.kysely, schedule.name, schedule.next_run_at, nextTick(schedule.cron, from));
  }
  return queued;
}
