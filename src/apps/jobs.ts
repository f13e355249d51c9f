import { z } from 'zod';
import { pruneAttempts } from '../platform/auth/login-throttle.js';
import type { TenantSchema } from '../platform/db/schema.js';
import { defineJob, type JobDefinition } from '../platform/jobs/index.js';
import type { Kysely } from 'kysely';

/**
 * Every job Kona declares. A process refuses to start if one has no handler below, so a job
 * enqueued by one release is never left without a worker that knows it.
 */
export const declaredJobs = ['maintenance.prune-login-attempts', 'maintenance.prune-sessions'] as const;

/** The handlers, one per declared job. */
export const jobDefinitions: JobDefinition<z.ZodType>[] = [
  defineJob({
    name: 'maintenance.prune-login-attempts',
    schema: z.object({}),
    cron: '17 * * * *',
    handler: async (_payload, ctx) => pruneAttempts(ctx.source.db.kysely),
  }),
  defineJob({
    name: 'maintenance.prune-sessions',
    schema: z.object({}),
    cron: '23 3 * * *',
    // Sessions idle for a week are long past any configured timeout; deleting them keeps the table small.
    handler: async (_payload, ctx) => {
      if (ctx.source.label === 'control') return;
      const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
      await db.deleteFrom('sessions').where('last_seen_at', '<', new Date(Date.now() - 7 * 86_400_000)).execute();
    },
  }),
] as JobDefinition<z.ZodType>[];
